#!/usr/bin/env python3
"""Generate a synthetic corpus of Chinese development-plan documents for load benchmarks.

Every document is a different plan of a real prefecture-level city (names and districts from
data/places.toml): 未来产业 / 战略性新兴产业 / 科技创新 / single-industry plans with their own
title, 文号, period, figures, industries, segments, platforms, owners and section order.
Prose paragraphs (发展基础, 指导思想, measures…) are harvested from the real seed documents
(../shared/seeds and examples/src), with the seed's city and district names rewritten and
the figures varied; the skeleton (outline, targets, owner passages, 专栏) is generated.

Formats, like real input: mostly UTF-8 .txt (some with BOM or CRLF), some GB18030 .txt and
some .html portal pages (UTF-8 or GBK) with <title>, navigation/footer clutter and the body
in <p> tags. Sizes 20–120 KB. Deterministic for a given --seed.

Standard library only.

    python3 bench/gen_corpus.py --out /tmp/corpus [-n 1000] [--seed 1]
"""

import argparse
import html
import os
import random
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_SEEDS = os.path.join(os.path.dirname(REPO), "shared", "seeds")

MIN_BYTES = 20 * 1024
MAX_BYTES = 120 * 1024

CN_DIGITS = "零一二三四五六七八九"


def cn_num(n):
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 23 → 二十三."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")


# ---------------------------------------------------------------------------------------------
# Places

def load_places(path):
    with open(path, "rb") as f:
        places = tomllib.load(f)["place"]
    by_code = {p["code"]: p for p in places}
    children = {}
    for p in places:
        children.setdefault(p["parent"], []).append(p)
    cities = []
    for p in places:
        municipality = p["level"] == "province" and p["name"] in ("北京市", "天津市", "上海市", "重庆市")
        if not (municipality or (p["level"] == "city" and p["name"].endswith("市"))):
            continue
        counties = [c["name"] for c in children.get(p["code"], []) if c["level"] == "county"]
        counties = [c for c in counties if c.endswith(("区", "县", "市", "旗"))]
        if len(counties) < 3:
            continue
        province = p if municipality else by_code.get(p["parent"])
        cities.append({
            "name": p["name"],
            "short": p["name"][:-1],
            "code": p["code"],
            "province": province["name"],
            "prov_code": p["code"][:2],
            "counties": counties,
            "municipality": municipality,
        })
    return cities


REGION_STRATEGY = {
    ("11", "12", "13"): ("京津冀协同发展", "京津冀"),
    ("31", "32", "33", "34"): ("长三角一体化发展", "长三角"),
    ("44",): ("粤港澳大湾区建设", "粤港澳大湾区"),
    ("50", "51"): ("成渝地区双城经济圈建设", "成渝地区"),
    ("21", "22", "23"): ("东北全面振兴", "东北地区"),
    ("14", "15", "37", "41", "61", "62", "63", "64"): ("黄河流域生态保护和高质量发展", "黄河流域"),
    ("36", "42", "43"): ("中部地区加快崛起", "长江中游城市群"),
    ("35",): ("闽西南协同发展", "海峡西岸"),
    ("45", "46"): ("西部陆海新通道建设", "北部湾"),
    ("52", "53", "54", "65"): ("新时代西部大开发", "西部地区"),
}


def region_strategy(prov_code):
    for codes, v in REGION_STRATEGY.items():
        if prov_code in codes:
            return v
    return ("区域协调发展", "周边地区")


# ---------------------------------------------------------------------------------------------
# Industry catalogue: name → (group, segments [(name, techs, products)], scenes, platform stems)

INDUSTRIES = {
    "人工智能": ("未来信息", [
        ("通用大模型", ["大模型多维并行训练", "模型压缩与量化", "检索增强生成", "多模态对齐"], ["开源通用大模型", "行业大模型", "智能体开发平台"]),
        ("智算芯片", ["存算一体架构", "芯粒集成", "高带宽存储接口", "异构计算调度"], ["GPU", "AI推理加速卡", "训练服务器"]),
        ("智能算力", ["液冷散热", "算力调度网络", "异构算力池化", "绿色数据中心"], ["智算中心", "算力调度平台", "行业数据集"]),
        ("行业智能应用", ["知识图谱", "计算机视觉", "自然语言处理", "决策优化"], ["工业质检系统", "智能客服", "AI辅助诊疗系统"]),
        ("数据要素", ["数据标注", "隐私计算", "数据确权", "高质量数据集构建"], ["数据标注基地", "行业语料库", "数据交易平台"]),
    ], ["智能制造", "智慧医疗", "城市治理", "政务服务", "金融风控"], ["人工智能创新中心", "智算中心", "人工智能公共算力服务平台", "行业大模型训练基地"]),
    "集成电路": ("未来信息", [
        ("芯片设计", ["EDA工具", "RISC-V架构", "车规级芯片设计", "高速接口IP"], ["车规级芯片", "工业控制芯片", "射频前端芯片"]),
        ("特色工艺制造", ["功率半导体工艺", "硅光集成", "MEMS工艺", "模拟芯片工艺"], ["12英寸特色工艺产线", "功率器件", "传感器芯片"]),
        ("先进封装测试", ["晶圆级封装", "系统级封装", "芯粒集成", "三维堆叠"], ["先进封装测试基地", "封装载板", "测试设备"]),
        ("半导体材料", ["大尺寸硅片", "光刻胶", "电子特气", "湿电子化学品"], ["抛光硅片", "碳化硅衬底", "靶材"]),
        ("化合物半导体", ["碳化硅外延", "氮化镓器件", "氧化镓材料", "砷化镓工艺"], ["碳化硅功率模块", "氮化镓射频器件", "化合物半导体外延片"]),
    ], ["新能源汽车", "光伏逆变器", "消费电子", "工业控制", "数据中心"], ["集成电路设计公共服务平台", "功率半导体技术创新中心", "先进封装中试平台", "集成电路产教融合实训基地"]),
    "生物医药": ("未来健康", [
        ("创新药物", ["抗体偶联药物", "双特异性抗体", "核酸药物", "多肽药物"], ["生物创新药", "抗体药物", "新一代疫苗"]),
        ("细胞和基因治疗", ["CAR-T细胞治疗", "干细胞治疗", "基因编辑", "病毒载体递送"], ["细胞治疗产品", "基因治疗药物", "关键原材料"]),
        ("高端医疗器械", ["医学影像", "手术机器人", "体外诊断", "植介入材料"], ["高端医学影像设备", "手术机器人", "体外诊断试剂"]),
        ("现代中药", ["中药材基因编辑", "活性成分合成", "经典名方开发", "智能制造工艺"], ["中药创新药", "配方颗粒", "中药大健康产品"]),
        ("医药研发外包", ["临床前研究", "临床试验服务", "药物警戒", "合同生产"], ["CRO服务平台", "CDMO生产基地", "临床研究中心"]),
    ], ["重大疾病诊疗", "罕见病治疗", "慢病管理", "智慧医院", "健康养老"], ["生物医药产业创新中心", "临床试验公共服务平台", "医疗器械注册检验服务站", "生物医药中试基地"]),
    "新型储能": ("未来能源", [
        ("电化学储能", ["磷酸铁锂长寿命电芯", "钠离子电池", "液流电池", "固态电池"], ["储能电池", "储能变流器", "电池管理系统"]),
        ("物理储能", ["压缩空气储能", "飞轮储能", "重力储能", "超级电容"], ["压缩空气储能电站", "飞轮储能装置", "超级电容模组"]),
        ("储能系统集成", ["能量管理系统", "热管理", "系统安全预警", "构网型储能控制"], ["集装箱储能系统", "工商业储能柜", "户用储能产品"]),
        ("储能应用", ["源网荷储一体化", "虚拟电厂", "共享储能", "光储充一体化"], ["共享储能电站", "虚拟电厂平台", "光储充示范站"]),
    ], ["新能源消纳", "工业园区", "数据中心", "电网调峰", "充换电设施"], ["新型储能技术创新中心", "储能电池检验检测平台", "储能安全实验室"]),
    "氢能": ("未来能源", [
        ("制氢", ["碱性电解水制氢", "质子交换膜电解", "固体氧化物电解", "光解水制氢"], ["电解槽", "制氢装备", "绿氢项目"]),
        ("储运氢", ["高压气态储氢", "液态储氢", "固态储氢", "管道输氢"], ["储氢瓶", "液氢储罐", "加氢站"]),
        ("燃料电池", ["膜电极", "双极板", "催化剂", "空压机"], ["燃料电池电堆", "燃料电池系统", "氢燃料电池汽车"]),
        ("氢能应用", ["氢冶金", "绿氢化工", "氢能重卡", "氢储能发电"], ["氢能重卡", "氢能船舶", "分布式氢能发电站"]),
    ], ["交通运输", "钢铁冶金", "化工", "港口物流", "分布式能源"], ["氢能产业创新中心", "燃料电池检验检测中心", "氢能装备中试基地"]),
    "低空经济": ("未来空间", [
        ("低空飞行器制造", ["电动垂直起降", "复合翼设计", "分布式电推进", "轻量化复合材料"], ["eVTOL", "工业级无人机", "飞行汽车"]),
        ("关键部件", ["高功率密度电机", "航空动力电池", "飞控系统", "机载航电"], ["电推进系统", "航空动力电池", "飞控计算机"]),
        ("低空基础设施", ["低空通信导航监视", "起降场网络", "低空气象保障", "数字空域"], ["通用机场", "起降点", "低空飞行服务站"]),
        ("低空运营服务", ["低空物流", "城市空中交通", "应急救援", "低空文旅"], ["无人机物流航线", "低空旅游航线", "应急救援飞行服务"]),
    ], ["城市物流", "应急救援", "电力巡检", "农林植保", "低空文旅"], ["低空飞行服务中心", "无人机检验检测平台", "低空经济产业园", "低空空域管理服务平台"]),
    "商业航天": ("未来空间", [
        ("卫星制造", ["卫星平台小型化", "星载相控阵天线", "姿轨控制", "批量化总装测试"], ["低轨通信卫星", "遥感卫星", "卫星核心单机"]),
        ("运载火箭", ["液体火箭发动机", "可重复使用技术", "箭体轻量化", "快速发射"], ["商业运载火箭", "火箭发动机", "箭体结构件"]),
        ("卫星应用", ["遥感数据处理", "高精度导航定位", "卫星通信终端", "通导遥一体化"], ["卫星数据服务平台", "北斗终端", "卫星通信终端"]),
        ("地面设施", ["测控地面站", "卫星数据接收", "星地协同", "在轨运维"], ["测控站", "地面接收站", "星座运营平台"]),
    ], ["防灾减灾", "国土调查", "农业估产", "海洋监测", "应急通信"], ["卫星互联网产业园", "商业航天创新中心", "卫星数据应用公共服务平台"]),
    "量子科技": ("未来信息", [
        ("量子通信", ["量子密钥分发", "量子隐形传态", "星地量子通信", "量子安全加密"], ["量子密钥分发设备", "量子保密通信网络", "量子安全网关"]),
        ("量子计算", ["超导量子比特", "离子阱", "光量子计算", "量子纠错"], ["量子计算原型机", "量子模拟机", "量子计算云平台"]),
        ("量子精密测量", ["原子钟", "量子磁力计", "量子重力仪", "量子陀螺"], ["量子重力仪", "量子磁力仪", "芯片级原子钟"]),
    ], ["政务专网", "金融安全", "电力调度", "地质勘探", "生物医学"], ["量子精密测量实验室", "量子信息产业创新中心", "量子保密通信城域网"]),
    "人形机器人": ("未来制造", [
        ("整机研发", ["全身运动控制", "双足行走", "具身智能大模型", "人机交互"], ["通用人形机器人", "服务型机器人", "特种作业机器人"]),
        ("核心部件", ["伺服关节", "灵巧手", "力觉与触觉传感", "行星滚柱丝杠"], ["一体化关节", "灵巧手", "空心杯电机"]),
        ("训练与数据", ["仿真训练", "真机数据采集", "遥操作", "多模态感知"], ["具身智能训练场", "机器人数据集", "仿真训练平台"]),
        ("场景应用", ["柔性装配", "仓储搬运", "危险作业", "康养陪护"], ["工业人形机器人", "巡检机器人", "康养服务机器人"]),
    ], ["汽车制造", "电子装配", "仓储物流", "电力巡检", "养老服务"], ["具身智能机器人创新中心", "人形机器人中试验证平台", "机器人检验检测中心"]),
    "脑机接口": ("未来健康", [
        ("神经接口", ["闭环脑机接口", "无创脑电采集", "柔性电极", "神经信号解码"], ["脑机接口设备", "柔性电极", "脑电采集设备"]),
        ("类脑智能", ["类脑芯片", "脉冲神经网络", "神经形态计算", "事件驱动传感"], ["类脑芯片", "类脑计算机", "神经形态传感器"]),
        ("康复与医疗应用", ["神经调控", "运动功能重建", "意念控制", "精神疾病诊疗"], ["神经调控设备", "康复外骨骼", "智能假肢"]),
    ], ["神经康复", "脑疾病诊治", "智能交互", "养老助残"], ["脑科学与类脑研究中心", "脑机接口临床转化平台", "神经调控医疗器械中试基地"]),
    "新型显示": ("未来信息", [
        ("柔性显示", ["AMOLED", "柔性封装", "屏下摄像头", "折叠铰链"], ["柔性显示面板", "折叠屏模组", "车载显示屏"]),
        ("微显示", ["Micro LED", "硅基OLED", "巨量转移", "光波导"], ["Micro LED显示模组", "AR/VR近眼显示器", "光波导镜片"]),
        ("显示材料", ["玻璃基板", "偏光片", "发光材料", "量子点"], ["电子玻璃", "OLED发光材料", "量子点膜"]),
    ], ["智能终端", "智能座舱", "商用显示", "虚拟现实"], ["新型显示技术创新中心", "半导体显示工程实验室", "显示材料中试平台"]),
    "未来网络": ("未来信息", [
        ("6G", ["太赫兹通信", "通信感知一体化", "智能超表面", "空天地一体化网络"], ["6G试验网", "太赫兹器件", "通感一体基站"]),
        ("卫星互联网", ["星间激光通信", "低轨星座组网", "星地融合", "相控阵终端"], ["卫星互联网终端", "星间链路设备", "地面信关站"]),
        ("算力网络", ["确定性网络", "算网融合调度", "全光网络", "IPv6+"], ["算力调度平台", "全光交换设备", "算力枢纽节点"]),
    ], ["工业互联网", "车联网", "远程医疗", "应急通信"], ["未来网络试验设施", "6G创新中心", "卫星互联网应用示范基地"]),
    "合成生物": ("未来制造", [
        ("底盘细胞与元件", ["基因线路设计", "高通量筛选", "蛋白质设计", "菌种改造"], ["工业菌种库", "酶制剂", "基因元件库"]),
        ("生物制造", ["发酵工艺放大", "连续生物制造", "分离纯化", "生物催化"], ["生物基材料", "生物基化学品", "新食品原料"]),
        ("合成生物应用", ["医药中间体生物合成", "化妆品原料合成", "生物农药", "替代蛋白"], ["医美原料", "生物可降解材料", "替代蛋白产品"]),
    ], ["医药", "食品", "化工", "农业", "美妆"], ["合成生物创新中心", "生物制造中试基地", "生物铸造工场"]),
    "前沿新材料": ("未来材料", [
        ("超导材料", ["高温超导带材", "超导磁体", "低温制冷", "超导电缆"], ["超导带材", "超导磁体", "超导电缆"]),
        ("先进碳材料", ["石墨烯制备", "碳纳米管", "碳纤维原丝", "碳基复合材料"], ["高性能碳纤维", "石墨烯导热膜", "碳纳米管导电剂"]),
        ("智能材料", ["液态金属", "形状记忆合金", "自修复材料", "超材料"], ["液态金属产品", "超材料器件", "智能涂层"]),
        ("新能源材料", ["钙钛矿叠层电池", "固态电解质", "高效储氢材料", "钠离子正极材料"], ["钙钛矿组件", "固态电解质", "储氢合金"]),
    ], ["航空航天", "新能源汽车", "电子信息", "高端装备"], ["新材料中试平台", "前沿材料研究院", "材料检验检测中心"]),
    "智能网联新能源汽车": ("未来制造", [
        ("整车", ["纯电平台", "增程式动力", "线控底盘", "整车电子电气架构"], ["新能源乘用车", "新能源商用车", "智能网联汽车"]),
        ("三电系统", ["动力电池", "驱动电机", "电控系统", "快充技术"], ["动力电池", "电驱动总成", "车载充电机"]),
        ("智能驾驶", ["高精度感知融合", "车路云一体化", "自动驾驶算法", "车规级计算平台"], ["激光雷达", "自动驾驶域控制器", "智能座舱"]),
        ("车联网", ["C-V2X", "车路协同", "高精度地图", "车载操作系统"], ["路侧单元", "车载终端", "车联网先导区"]),
    ], ["城市出行", "港口物流", "矿区运输", "无人配送"], ["智能网联汽车测试场", "新能源汽车检验检测中心", "车联网先导区"]),
    "先进核能": ("未来能源", [
        ("先进核能系统", ["第四代核能", "小型模块化反应堆", "一体化快堆", "可控核聚变"], ["核电关键设备", "小型堆部件", "聚变装置部件"]),
        ("核技术应用", ["医用同位素", "电子束辐照", "核医学影像", "无损检测"], ["医用同位素", "辐照加工装备", "放射治疗装备"]),
    ], ["医疗诊疗", "工业探伤", "农业育种", "环境治理"], ["核技术应用产业园", "同位素制备中心", "核能装备创新中心"]),
    "元宇宙": ("未来信息", [
        ("虚拟现实终端", ["Pancake光学", "眼动追踪", "空间计算", "手势识别"], ["VR头显", "AR眼镜", "MR一体机"]),
        ("数字内容", ["实时渲染引擎", "数字人", "三维建模", "AIGC内容生成"], ["虚拟数字人", "数字孪生平台", "沉浸式内容"]),
        ("沉浸式应用", ["数字孪生", "虚实交互", "沉浸式体验", "空间音频"], ["数字孪生工厂", "沉浸式文旅项目", "虚拟展厅"]),
    ], ["文化旅游", "工业设计", "教育培训", "商贸会展"], ["元宇宙创新中心", "虚拟现实产业园", "数字内容制作基地"]),
    "高端装备": ("未来制造", [
        ("工业母机", ["五轴联动", "精密主轴", "数控系统", "在线测量"], ["五轴联动数控机床", "精密加工中心", "数控系统"]),
        ("智能制造装备", ["工业机器人", "增材制造", "智能检测", "柔性产线"], ["协作机器人", "金属3D打印装备", "智能检测装备"]),
        ("航空装备", ["航空发动机部件", "复合材料结构", "机载系统", "航空维修"], ["航空零部件", "机载设备", "通用飞机"]),
    ], ["汽车制造", "航空航天", "能源装备", "轨道交通"], ["智能制造创新中心", "首台(套)装备检验检测平台", "高端装备中试基地"]),
    "软件和信息技术服务": ("未来信息", [
        ("基础软件", ["操作系统", "数据库", "中间件", "编译工具"], ["国产操作系统", "分布式数据库", "开发工具链"]),
        ("工业软件", ["CAD/CAE", "制造执行系统", "工业仿真", "PLM"], ["工业设计软件", "MES系统", "工业APP"]),
        ("信息技术服务", ["云计算", "信息安全", "数字孪生", "区块链"], ["云服务平台", "网络安全产品", "区块链应用平台"]),
    ], ["智能制造", "数字政府", "金融科技", "智慧城市"], ["软件产业园", "开源软件适配中心", "工业软件创新中心"]),
}

PLAN_KINDS = [
    # (kind title, style, span years, focus) — style: action | opinion | plan
    ("未来产业培育行动方案", "action", (3, 4), "future"),
    ("未来产业发展行动计划", "action", (3, 4), "future"),
    ("关于加快培育发展未来产业的实施意见", "opinion", (5, 6), "future"),
    ("关于前瞻布局未来产业的实施方案", "opinion", (3, 5), "future"),
    ("战略性新兴产业发展“十四五”规划", "plan", "14", "emerging"),
    ("战略性新兴产业发展“十五五”规划", "plan", "15", "emerging"),
    ("战略性新兴产业集群发展行动方案", "action", (3, 3), "emerging"),
    ("科技创新“十四五”规划", "plan", "14", "sci"),
    ("科技创新“十五五”规划", "plan", "15", "sci"),
    ("推动科技创新和产业创新深度融合行动方案", "action", (3, 3), "sci"),
    ("加快培育新质生产力三年行动计划", "action", (3, 3), "emerging"),
    ("{ind}产业高质量发展行动方案", "action", (3, 3), "single"),
    ("{ind}产业创新发展三年行动计划", "action", (3, 3), "single"),
    ("关于加快{ind}产业发展的若干措施", "opinion", (3, 3), "single"),
]

SINGLE_INDUSTRIES = ["人工智能", "集成电路", "生物医药", "新型储能", "氢能", "低空经济", "商业航天",
                     "量子科技", "人形机器人", "脑机接口", "智能网联新能源汽车", "新型显示", "合成生物"]

GROUP_TITLES = {
    "future": [("优先发展方向", "前瞻探索方向"), ("高成长未来产业", "高潜力未来产业"), ("重点培育领域", "前瞻布局领域"),
               ("壮大一批未来产业", "孵化一批未来产业", "储备一批前沿技术")],
    "emerging": [("做强战略性新兴支柱产业", "培育战略性新兴先导产业"), ("壮大优势产业集群", "培育新兴产业集群"),
                 ("巩固提升优势产业", "加快发展新兴产业", "前瞻布局未来产业")],
    "sci": [("突破关键核心技术", "强化产业技术供给"), ("聚焦重点领域攻关", "布局前沿技术研究")],
    "single": [("强化核心技术攻关", "壮大重点产品体系", "拓展示范应用场景")],
}

MEASURES = [
    ("实施前沿技术攻关行动", "每年滚动发布{scope}技术需求清单,采用“揭榜挂帅”“赛马制”等方式组织实施{city}级重大科技专项,单个项目{city}级财政支持最高可达{n_money}万元。支持在{short}高校与骨干企业共建联合实验室,推动基础研究成果与产业需求精准对接。"),
    ("实施中试转化提速行动", "围绕重点方向布局建设概念验证中心和中试平台,对新认定的市级中试平台按设备投入给予不超过{pct}%的补助。探索职务科技成果“先使用后付费”模式,打通技术从样品到产品再到商品的转化堵点,到{y_end}年累计转化科技成果{n_small}0项以上。"),
    ("实施企业梯度培育行动", "建立{scope}企业培育库,对入库企业实行“一企一策”跟踪服务,推动科技型中小企业向专精特新“小巨人”企业、瞪羚企业梯次跃升。聚焦产业链薄弱环节开展精准招商,引进一批掌握核心技术的头部企业和配套企业。"),
    ("实施场景开放行动", "定期举办{scope}场景发布会,推动政府部门和市属国有企业率先开放应用场景,每年发布应用场景清单不少于{n_small}0项。支持首台(套)装备、首批次材料、首版次软件在本地示范应用,对符合条件的项目给予奖励。"),
    ("实施人才集聚行动", "深入实施“{short}英才计划”,聚焦{scope}领域动态发布急需紧缺人才目录,引育一批领军人才(团队)。支持高校增设相关专业,建设现代产业学院,对引进的顶尖人才团队给予最高{n_big}万元综合支持。"),
    ("实施先导区建设行动", "绘制{scope}布局地图,鼓励有条件的{county_word}加快布局。支持国家级和省级开发区、高新区建设特色鲜明的{city}级先导区,对认定的先导区给予一次性奖励,打造{n_small}个以上标志性产业载体。"),
    ("实施创新平台提能行动", "围绕重点领域布局建设一批{city}级以上重点实验室、技术创新中心和制造业创新中心,推动平台与龙头企业、产业园区一体化运行,实行“一平台一专班”服务保障。对新获批的国家级创新平台给予最高{n_big}万元支持。"),
    ("实施金融赋能行动", "设立规模{n_fund}亿元的产业投资基金,引导社会资本投早、投小、投长期、投硬科技。鼓励金融机构开发知识产权质押、研发贷、科技保险等专属产品,支持符合条件的企业在科创板、北交所上市融资。"),
    ("实施开放合作行动", "主动融入{strategy},加强与国内外高校、科研院所和头部企业合作,共建联合研发中心和成果转化基地。定期举办{scope}主题论坛、创新创业大赛等活动,吸引优质项目落地。"),
    ("实施数字赋能行动", "加快建设算力基础设施和行业数据平台,推动人工智能、工业互联网在重点行业深度应用,每年培育智能工厂{n_small}家、数字化车间{n_small}0个,推动规模以上工业企业数字化改造全覆盖。"),
    ("实施标准质量提升行动", "支持企业和科研机构主导或参与制定国际标准、国家标准和行业标准,建设一批检验检测和认证公共服务平台。实施知识产权强企工程,培育一批高价值专利组合,提升产品质量和品牌影响力。"),
    ("实施产业链协同行动", "深化产业链“链长制”,围绕重点产业链绘制图谱、编制清单,开展“链主”企业和配套企业供需对接活动,推动大中小企业融通发展,提升产业链本地配套率至{pct}%以上。"),
    ("实施园区载体优化行动", "优化产业空间布局,推动各类园区聚焦主导产业错位发展。加快标准厂房、人才公寓和配套设施建设,推行“标准地+承诺制”改革,保障重大项目用地需求,每年盘活低效用地{n_small}00亩以上。"),
]

SAFEGUARDS = [
    ("加强统筹调度", "依托{city}推进新型工业化工作领导小组,建立工作专班,实行“一个方向、一名市领导、一个专班、一套方案”推进机制,每季度调度重点项目进展,协调解决跨部门、跨区域重大问题。"),
    ("强化政策支持", "统筹用好各级产业发展专项资金,加强对专业园区建设、应用场景开发、重点项目落地等的支持力度。落实研发费用加计扣除、高新技术企业税收优惠等政策,确保政策直达快享。"),
    ("强化要素保障", "优先保障重点项目建设用地和用能指标,鼓励金融机构加大信贷投放。加强算力、数据等新型要素供给,完善水电气讯等基础设施配套。"),
    ("健全监测评估", "建立统计监测制度,将本方案实施情况纳入各{county_word}和园区年度目标绩效考核,适时开展第三方评估,根据技术演进和产业发展情况动态调整重点方向。"),
    ("营造良好氛围", "按照包容审慎原则统筹监管和服务,鼓励支持企业进入新兴领域发展。采取多种方式加强政策宣传和解读,及时总结推广典型经验做法,营造全社会关心支持创新发展的良好氛围。"),
    ("加强风险防控", "在确保安全可控的前提下,建立市场准入、行业主管、部门协同的全链条监管机制,对新技术新业态实施包容审慎监管,防范化解技术、市场和伦理风险。"),
    ("加强组织领导", "在{city}委、{city}政府统一领导下,建立由分管市领导牵头、相关部门参与的协调推进机制,研究制定年度工作要点,明确责任分工和时间节点,形成上下联动、齐抓共管的工作格局。"),
]

PRINCIPLES = [
    ("创新引领", "坚持把创新作为发展的第一动力,强化企业科技创新主体地位,推动创新链、产业链、资金链、人才链深度融合。"),
    ("市场主导", "充分发挥市场在资源配置中的决定性作用,更好发挥政府引导作用,激发各类经营主体活力。"),
    ("聚焦重点", "立足产业基础和资源禀赋,集中力量突破重点领域,避免同质化竞争和低水平重复建设。"),
    ("开放协同", "深度融入{strategy},链接全球创新资源,促进产学研用协同创新。"),
    ("应用牵引", "坚持以场景应用带动技术迭代和产品定型,推动新技术、新产品加快进入市场。"),
    ("梯次培育", "按照“储备一批、孵化一批、壮大一批”的思路,分阶段、分领域滚动推进。"),
    ("安全可控", "统筹发展和安全,增强产业链供应链韧性和安全水平。"),
]

TARGET_TEMPLATES = [
    # (template, kind) — {v}: value; rendered with units
    ("全{cityword}{scope}产值突破{amount}亿元", "amount"),
    ("{scope}相关企业营业收入达到{amount}亿元", "amount"),
    ("规模以上工业战略性新兴产业增加值占地区生产总值比重达到{ratio}%", "ratio"),
    ("培育营业收入超10亿元的骨干企业{count}家", "count"),
    ("引育领军人才(团队){count}个", "count"),
    ("建成概念验证中心和中试平台{count}个", "count"),
    ("打造{count}个典型应用场景", "count"),
    ("国家级专精特新“小巨人”企业达到{count}家", "count"),
    ("高新技术企业数量达到{count_big}家", "count"),
    ("全社会研发经费投入强度达到{ratio_small}%", "ratio"),
    ("技术合同成交额突破{amount}亿元", "amount"),
    ("突破{count}项前沿关键核心技术", "count"),
    ("形成{count}个标志性产品", "count"),
    ("年均增速保持在{pct}%以上", "ratio"),
    ("打造特色鲜明的市级先导区{lo}—{hi}个", "count"),
    ("建成市级以上重点实验室和技术创新中心{count}家", "count"),
    ("每万人口高价值发明专利拥有量达到{ratio_small}件", "count"),
    ("科技型中小企业达到{count_big}家", "count"),
]

OUTRO = [
    "本方案自印发之日起施行,由{lead}负责解释。",
    "各{county_word}、各有关部门要结合实际制定具体实施方案,明确责任分工,确保各项任务落到实处。",
]

# ---------------------------------------------------------------------------------------------
# Harvesting prose from the seed documents

OUTLINE_RE = re.compile(r"^\s*(第[一二三四五六七八九十]+[章节]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d{1,2}\s*[.．、﹒)）]|[(（]\d{1,2}[)）])\s*")
OWNER_TAIL_RE = re.compile(r"[（(〔\[][^（(〔\[]*?(牵头|责任单位|按职责|重点布局|配合)[^（(〔\[]*?[)）〕\]]\s*$")
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
NUMBER_UNIT_RE = re.compile(r"(\d+(?:\.\d+)?)(?=\s*(?:万亿元|亿元|万元|家|个|项|%|万人|人|座|条|所|件|台|套|万吨|倍))")

SEED_NAMES = [
    # (name in a seed, placeholder); longest first. Districts of these cities are added from
    # places.toml and become {district}.
    ("成渝地区双城经济圈建设", "{strategy}"), ("成渝地区双城经济圈", "{region}"), ("长江经济带发展", "{strategy}"), ("长三角", "{region}"), ("西部地区", "{region}"),
    ("重庆市", "{city}"), ("扬州市", "{city}"), ("绵阳市", "{city}"), ("合肥市", "{city}"), ("苏州市", "{city}"),
    ("成都市", "{city}"), ("重庆", "{short}"), ("扬州", "{short}"), ("绵阳", "{short}"), ("合肥", "{short}"),
    ("苏州", "{short}"), ("成都", "{short}"), ("巴渝", "{short}"), ("在肥", "在{short}"), ("在绵", "在{short}"),
    ("在渝", "在{short}"), ("在扬", "在{short}"), ("来渝", "来{short}"), ("来扬", "来{short}"),
]
BLACKLIST = ["重庆", "渝", "扬州", "绵阳", "合肥", "苏州", "成都", "两江", "西永", "科学城", "广阳湾", "万盛",
             "科大硅谷", "滨湖", "蜀冈", "瘦西湖", "33618", "416", "613", "双城", "川渝", "江苏", "四川", "安徽",
             "西南", "西部", "明月湖", "中新", "陆海新通道", "长江上游", "涪", "大足", "璧山", "巴南", "九龙",
             "英才计划", "一区两群", "智造重镇", "智慧名城", "芯屏器核网", "江北嘴", "金凤", "缙云", "寸滩", "果园港", "中欧班列", "仙桃", "礼嘉", "悦来"]

TRADITIONAL_CHARS = "產發業過來會國說時為與經濟進點網體術場開關電實處"
PINYIN_RE = re.compile(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")


def harvest(seed_paths, places_by_city):
    """Return (prose, leads): prose paragraphs and (title, body) lead-sentence paragraphs."""
    seed_districts = []
    for city in ("重庆市", "扬州市", "绵阳市", "合肥市", "苏州市", "成都市"):
        seed_districts += places_by_city.get(city, [])
    # Longest first so that 西部科学城重庆高新区 is not cut by 重庆.
    names = sorted(set(seed_districts), key=len, reverse=True)
    prose, leads = [], []
    seen = set()
    for path in seed_paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        if sum(text.count(c) for c in TRADITIONAL_CHARS) > 20:  # Traditional-script seed: not harvested
            continue
        for raw in text.splitlines():
            line = BOOKMARK_RE.sub("", raw).strip()
            if not line or line[0] in "@|" or "专栏" in line or line.startswith(("——", "到20", "20")):
                continue
            line = line.replace("&nbsp;", " ")
            line = OWNER_TAIL_RE.sub("", line).strip()
            if any(k in line for k in ("牵头单位", "责任单位", "按职责分工", "印发", "通知", "办公厅", "发布日期")):
                continue
            marker = OUTLINE_RE.match(line)
            body = line[marker.end():] if marker else line
            if len(body) < 60:
                continue
            for n, ph in SEED_NAMES:
                body = body.replace(n, ph)
            # district names → placeholder, kept as one token
            for n in names:
                if n in body:
                    body = body.replace(n, "{district}")
            if any(b in body for b in BLACKLIST) or any(c in body for c in TRADITIONAL_CHARS) or PINYIN_RE.search(body):
                continue
            if body in seen:
                continue
            seen.add(body)
            first, sep, rest = body.partition("。")
            if sep and 4 <= len(first) <= 22 and len(rest) >= 40 and "," not in first and "，" not in first:
                leads.append((first, rest))
            elif not marker:
                prose.append(body)
    return prose, leads


def vary_numbers(text, rng):
    def repl(m):
        s = m.group(1)
        try:
            v = float(s)
        except ValueError:
            return s
        nv = v * rng.uniform(0.6, 1.6)
        if "." in s:
            return f"{nv:.1f}"
        if v < 10:
            return str(max(1, int(round(nv))))
        return str(int(round(nv)))
    return NUMBER_UNIT_RE.sub(repl, text)


# ---------------------------------------------------------------------------------------------
# One document

class Doc:
    """A document as a list of blocks, rendered to text or HTML."""

    def __init__(self):
        self.blocks = []  # (kind, payload)

    def h(self, text):
        self.blocks.append(("h", text))

    def p(self, text):
        self.blocks.append(("p", text))

    def center(self, text):
        self.blocks.append(("center", text))

    def right(self, text):
        self.blocks.append(("right", text))

    def table(self, caption, rows):
        self.blocks.append(("table", (caption, rows)))


def pick(rng, seq, k):
    k = max(0, min(k, len(seq)))
    return rng.sample(list(seq), k)


class Generator:
    def __init__(self, cities, prose, leads, rng):
        self.cities = cities
        self.prose = prose
        self.leads = leads
        self.rng = rng
        self.titles = set()

    # ---- naming --------------------------------------------------------------------------
    def departments(self, rng):
        d = {
            "dev": rng.choice(["市发展改革委", "市发展和改革委员会", "市发改委"]),
            "econ": rng.choice(["市经济和信息化局", "市工业和信息化局", "市经信局", "市工信局", "市经济和信息化委员会"]),
            "sci": rng.choice(["市科技局", "市科学技术局"]),
            "fin": "市财政局",
            "com": "市商务局",
            "edu": rng.choice(["市教育局", "市教育和体育局"]),
            "hr": rng.choice(["市人力资源社会保障局", "市人力资源和社会保障局", "市人社局"]),
            "mkt": rng.choice(["市市场监管局", "市市场监督管理局"]),
            "soe": "市国资委",
            "data": rng.choice(["市大数据发展局", "市数据局", "市大数据管理局"]),
            "inv": rng.choice(["市投资促进局", "市招商局"]),
            "health": rng.choice(["市卫生健康委", "市卫生健康委员会"]),
            "trans": rng.choice(["市交通运输局", "市交通局"]),
            "energy": "市能源局",
            "land": rng.choice(["市自然资源和规划局", "市规划和自然资源局"]),
            "eco": "市生态环境局",
            "stat": "市统计局",
            "ip": "市知识产权局",
            "talent": rng.choice(["市委人才办", "市委组织部"]),
            "finance": rng.choice(["市委金融办", "市地方金融管理局"]),
            "emerg": "市应急管理局",
            "police": "市公安局",
            "milciv": "市委军民融合办",
        }
        return d

    def industry_owners(self, ind, d, rng):
        extra = {
            "人工智能": ["data", "edu"], "集成电路": ["inv", "com"], "生物医药": ["health", "mkt"],
            "新型储能": ["energy", "emerg"], "氢能": ["energy", "trans", "emerg"], "低空经济": ["trans", "police", "emerg"],
            "商业航天": ["milciv", "data"], "量子科技": ["data", "edu"], "人形机器人": ["edu", "inv"],
            "脑机接口": ["health", "mkt"], "新型显示": ["com", "inv"], "未来网络": ["data"], "合成生物": ["eco", "health"],
            "前沿新材料": ["mkt"], "智能网联新能源汽车": ["trans", "police"], "先进核能": ["energy", "eco"],
            "元宇宙": ["data", "com"], "高端装备": ["soe"], "软件和信息技术服务": ["data"],
        }.get(ind, [])
        lead_key = rng.choice(["econ", "econ", "dev", "sci"])
        pool = [k for k in ["dev", "econ", "sci", "fin", "com"] + extra if k != lead_key]
        resp = pick(rng, pool, rng.randint(2, 4))
        return d[lead_key], [d[k] for k in resp]

    def owner_text(self, style, lead, resp, rng, county_word):
        if style == 0:
            return f"(牵头单位:{lead};责任单位:{'、'.join(resp)}等)"
        if style == 1:
            return f"〔牵头单位:{lead};责任单位:{'、'.join(resp)},各{county_word}人民政府〕"
        if style == 2:
            return f"({lead}牵头,{'、'.join(resp)}按职责分工负责)"
        if style == 3:
            return f"[责任单位:{lead},{'、'.join(resp)}]"
        return f"({lead}、{'、'.join(resp)}等按职责分工负责)"

    # ---- content pieces --------------------------------------------------------------------
    def segment_text(self, ind, seg, rng, ctx):
        name, techs, products = seg
        scenes = INDUSTRIES[ind][2]
        t = pick(rng, techs, rng.randint(2, len(techs)))
        pr = pick(rng, products, rng.randint(2, len(products)))
        sc = pick(rng, scenes, 2)
        forms = [
            f"聚焦{'、'.join(t)}等关键技术,加快发展{'、'.join(pr)}等产品,",
            f"支持企业开展{'、'.join(t)}等技术攻关,推动{'、'.join(pr)}产业化,",
            f"布局{'、'.join(pr)}等产品,突破{'、'.join(t)}等技术瓶颈,",
            f"围绕{'、'.join(t)}等方向,引进培育{'、'.join(pr)}领域骨干企业,",
        ]
        tails = [
            f"拓展在{sc[0]}、{sc[1]}等领域的示范应用。",
            f"打造具有区域影响力的{name}产业集群。",
            f"培育一批专精特新“小巨人”企业。",
            f"建设{ctx['short']}{name}中试验证平台,提升工程化和产业化能力。",
            f"到{ctx['y_end']}年形成{rng.randint(3, 20)}个以上标志性产品。",
            f"推动{sc[0]}场景率先落地,形成“研发—中试—量产—应用”闭环。",
        ]
        return rng.choice(forms) + rng.choice(tails)

    def industry_paragraph(self, ind, rng, ctx, nseg):
        group, segs, scenes, stems = INDUSTRIES[ind]
        chosen = pick(rng, segs, nseg)
        intro = rng.choice([
            f"以{chosen[0][0]}为重点,",
            f"立足{ctx['short']}产业基础,",
            f"抢抓{ind}产业发展窗口期,",
            f"面向{'、'.join(pick(rng, scenes, 2))}等应用需求,",
        ])
        body = intro + "".join(
            (s[0] + "方面," if i else "") + self.segment_text(ind, s, rng, ctx) for i, s in enumerate(chosen)
        )
        return body, chosen

    def districts(self, rng, ctx, k):
        pool = ctx["counties"] + ctx["zones"]
        return pick(rng, pool, k)

    def filler(self, rng, ctx):
        # Prefer paragraphs not yet used in this document.
        for _ in range(6):
            i = rng.randrange(len(self.prose))
            if i not in ctx["used_prose"]:
                break
        ctx["used_prose"].add(i)
        return self.localize(self.prose[i], rng, ctx)

    def lead_para(self, rng, ctx):
        for _ in range(6):
            i = rng.randrange(len(self.leads))
            if i not in ctx["used_leads"]:
                break
        ctx["used_leads"].add(i)
        t, b = self.leads[i]
        return self.localize(t, rng, ctx), self.localize(b, rng, ctx)

    def localize(self, text, rng, ctx):
        for ph in ("city", "short", "strategy", "region"):
            text = text.replace("{" + ph + "}", ctx["names"][ph])
        while "{district}" in text:
            text = text.replace("{district}", rng.choice(ctx["counties"]), 1)
        return vary_numbers(text, rng)

    def targets(self, rng, ctx, year, scope, k, big):
        out = []
        for tpl, _kind in pick(rng, TARGET_TEMPLATES, k):
            lo = rng.randint(3, 8)
            vals = {
                "cityword": "市", "scope": scope,
                "amount": rng.choice([rng.randint(5, 99) * 10, rng.randint(1, 30) * 100]) * big,
                "ratio": round(rng.uniform(8, 30), 1) if rng.random() < 0.5 else rng.randint(8, 30),
                "ratio_small": round(rng.uniform(2.0, 6.5), 1),
                "count": rng.randint(3, 60) * (2 if big > 1 else 1),
                "count_big": rng.randint(8, 90) * 100 * big,
                "pct": rng.randint(10, 30), "lo": lo, "hi": lo + rng.randint(2, 4),
            }
            out.append(tpl.format(**vals))
        return out

    def platform_entries(self, ind, rng, ctx, k):
        stems = INDUSTRIES[ind][3]
        out = []
        for stem in pick(rng, stems, k):
            name = rng.choice([f"{ctx['short']}{stem}", stem, f"{ctx['province_short']}{stem}"])
            seg = rng.choice(INDUSTRIES[ind][1])
            out.append(f"{name}。依托{rng.choice(ctx['counties'])}骨干企业和在{ctx['short']}高校院所,聚焦{'、'.join(pick(rng, seg[1], 2))}等方向,开展关键技术研发、中试验证和检验检测服务。")
        return out

    # ---- document ---------------------------------------------------------------------------
    def choose_plan(self, rng):
        for _ in range(1000):
            city = rng.choice(self.cities)
            kind, style, span, focus = rng.choice(PLAN_KINDS)
            ind = rng.choice(SINGLE_INDUSTRIES) if "{ind}" in kind else None
            kind_t = kind.format(ind=ind) if ind else kind
            if span == "14":
                y0, y1 = 2021, 2025
            elif span == "15":
                y0, y1 = 2026, 2030
            else:
                y0 = rng.randint(2023, 2026)
                y1 = y0 + rng.randint(*span) - 1
            period = f"({y0}—{y1}年)"
            if kind_t.startswith("关于"):
                title = f"{city['name']}人民政府{kind_t}" if rng.random() < 0.5 else f"{city['name']}{kind_t}"
            else:
                title = f"{city['name']}{kind_t}{period}"
            # Distinct without the period too: the period is often on a line of its own.
            key = re.sub(r"\(\d{4}—\d{4}年\)$", "", title)
            if key in self.titles:
                continue
            self.titles.add(key)
            return city, kind_t, style, focus, ind, y0, y1, title
        raise RuntimeError("could not find a new plan title")

    def build(self, rng, target_bytes):
        city, kind_t, style, focus, single, y0, y1, title = self.choose_plan(rng)
        dep = self.departments(rng)
        strategy, region = region_strategy(city["prov_code"])
        counties = city["counties"]
        has_xian = any(c.endswith("县") for c in counties)
        has_shi = any(c.endswith("市") for c in counties)
        county_word = ("区县" if city["municipality"] else
                       rng.choice(["县(市、区)", "县(市)区"]) if has_xian and has_shi else
                       "县(区)" if has_xian else "区(市)" if has_shi else "区")
        zones = [f"{city['short']}高新区", f"{city['short']}经开区"] + ([f"{city['short']}综合保税区"] if rng.random() < 0.3 else [])
        prov_short = re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", city["province"])
        scope = {"future": "未来产业", "emerging": "战略性新兴产业", "sci": "科技创新", "single": single}[focus]
        ctx = {
            "city": "市", "short": city["short"], "counties": counties, "zones": zones, "y_end": y1,
            "scope": scope if focus != "sci" else "重点产业", "county_word": county_word, "strategy": strategy,
            "province_short": prov_short,
            "used_prose": set(), "used_leads": set(),
            "names": {"city": city["name"], "short": city["short"], "strategy": strategy, "region": region},
        }
        big = rng.choice([1, 1, 1, 2, 3]) if not city["municipality"] else rng.choice([5, 10, 20])
        owner_style = rng.randrange(5)
        plan_style = style == "plan" or (focus == "sci" and rng.random() < 0.5)

        # Industries of the plan
        if single:
            inds = [single]
        else:
            k = rng.randint(4, 12)
            inds = pick(rng, list(INDUSTRIES), k)
        doc = Doc()
        # -- notice ------------------------------------------------------------------------
        abbr = city["short"][0]
        sign_year = y0 if rng.random() < 0.6 else y0 - 1
        sign_year = max(sign_year, 2021)
        sign = (sign_year, rng.randint(1, 12), rng.randint(1, 28))
        pub = (sign[0], sign[1], min(28, sign[2] + rng.randint(1, 10)))
        if style == "plan":
            issuer = f"{city['name']}人民政府"
            docno = f"{abbr}{rng.choice(['府发', '政发'])}〔{sign[0]}〕{rng.randint(1, 60)}号"
        else:
            issuer = f"{city['name']}人民政府办公{rng.choice(['室', '室', '厅'])}"
            docno = f"{abbr}{rng.choice(['府办发', '府办', '政办发', '政办'])}〔{sign[0]}〕{rng.randint(1, 160)}号"
        notice_kind = rng.choices(["portal", "plain", "none", "news"], [4, 4, 1, 1])[0]
        doc.meta = {"title": title, "issuer": issuer, "docno": docno, "sign": sign, "pub": pub, "city": city,
                    "notice": notice_kind}
        plain_title = re.sub(r"\(\d{4}—\d{4}年\)$", "", title)
        period = f"({y0}—{y1}年)"
        if notice_kind in ("portal", "plain"):
            doc.center(f"{issuer}关于印发《{title if not title.startswith(city['name'] + '人民政府关于') else title}》的通知")
            doc.center(docno)
            doc.p(f"各{county_word}人民政府,{rng.choice(['市政府各部门', '市级各部门', '市政府各部门、各直属机构'])},有关单位:")
            doc.p(f"《{title}》{rng.choice(['已经市政府同意', '已经市政府常务会议审议通过', f'已经市政府第{rng.randint(10, 90)}次常务会议审议通过'])},现印发给你们,请{rng.choice(['认真贯彻执行', '结合实际抓好贯彻落实', '认真组织实施'])}。")
            doc.right(issuer)
            doc.right(f"{sign[0]}年{sign[1]}月{sign[2]}日")
            doc.center("(此件公开发布)")
        elif notice_kind == "none":
            pass
        doc.center(plain_title if plain_title != title else title)
        if plain_title != title:
            doc.center(period)
        if notice_kind == "none":
            doc.center(issuer)
            doc.center(f"{sign[0]}年{sign[1]}月")
        # -- preamble --------------------------------------------------------------------------
        refs = rng.choice([
            "《工业和信息化部等七部门关于推动未来产业创新发展的实施意见》(工信部联科〔2024〕12号)",
            "《“十四五”国家战略性新兴产业发展规划》",
            "《中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要》",
            "《新一代人工智能发展规划》(国发〔2017〕35号)",
        ])
        doc.p(f"为{rng.choice(['抢抓新一轮科技革命和产业变革机遇', '加快培育发展新质生产力', '深入实施创新驱动发展战略', '加快构建现代化产业体系'])},"
              f"推动{scope}高质量发展,根据{refs}和《{prov_short}{rng.choice(['关于加快培育发展未来产业的指导意见', '战略性新兴产业发展规划', '科技创新规划'])}》等文件精神,结合我市实际,制定本{'规划' if '规划' in kind_t else '方案' if '方案' in kind_t else '计划' if '计划' in kind_t else '意见' if '意见' in kind_t else '措施'}。")

        # -- sections as (title, [subsections]) where a subsection is (title, [blocks]) --------------
        sections = []
        # basis
        basis = []
        if plan_style or rng.random() < 0.5:
            basis = [("发展基础", [("p", self.filler(rng, ctx)) for _ in range(rng.randint(1, 3))]),
                     ("面临形势", [("p", self.filler(rng, ctx)) for _ in range(rng.randint(1, 3))])]
            sections.append(("发展基础与面临形势", basis))
        # general requirements
        gen = [(rng.choice(["指导思想", "发展思路", "总体思路"]),
                [("p", f"坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大和二十届历次全会精神,完整准确全面贯彻新发展理念,主动融入{strategy},"
                       f"以{rng.choice(['科技创新', '场景应用', '产业链建设', '企业培育'])}为{rng.choice(['主线', '牵引', '抓手'])},加快推动{scope}{rng.choice(['集聚发展', '规模化发展', '高质量发展'])},为{city['name']}加快建设现代化产业体系提供坚实支撑。")])]
        if rng.random() < 0.7:
            pr = pick(rng, PRINCIPLES, rng.randint(3, 5))
            gen.append(("基本原则", [("p", f"{t}。" + b.format(strategy=strategy)) for t, b in pr]))
        ymid = y0 + (y1 - y0) // 2 if y1 - y0 >= 2 else None
        goal_blocks = []
        if ymid and ymid != y1:
            tg = self.targets(rng, ctx, ymid, scope, rng.randint(2, 4), big)
            goal_blocks.append(("p", f"到{ymid}年,{scope}{rng.choice(['培育体系初步建立', '发展取得阶段性进展', '创新能力明显增强'])},{','.join(tg)}。"))
        tg = self.targets(rng, ctx, y1, scope, rng.randint(4, 8), big)
        goal_blocks.append(("p", f"到{y1}年,{scope}{rng.choice(['规模能级明显跃升', '发展取得实质性突破', '综合实力迈上新台阶'])},{','.join(tg[:len(tg) // 2])};{','.join(tg[len(tg) // 2:])}。"))
        if rng.random() < 0.3:
            goal_blocks.append(("p", f"展望{y1 + 5}年,{scope}成为{city['name']}经济高质量发展的重要引擎,建成{rng.choice(['具有全国影响力的', '区域领先的', '特色鲜明的'])}{scope}{rng.choice(['高地', '集聚区', '创新策源地'])}。"))
        if rng.random() < 0.4:
            rows = [["序号", "指标名称", f"{y0 - 1}年", f"{y1}年", "属性"]]
            inds_tbl = [("全社会研发经费投入强度(%)", 1.5, 3.0, 1), ("高新技术企业数量(家)", 300, 900, 0),
                        (f"{scope}产值(亿元)", 200 * big, 800 * big, 0), ("技术合同成交额(亿元)", 30 * big, 200 * big, 0),
                        ("每万人口高价值发明专利拥有量(件)", 3, 20, 1), ("专精特新“小巨人”企业(家)", 10, 60, 0),
                        ("市级以上创新平台(个)", 40, 200, 0), ("数字经济核心产业增加值占GDP比重(%)", 5, 12, 1)]
            for i, (nm, lo, hi, dec) in enumerate(pick(rng, inds_tbl, rng.randint(4, 7)), 1):
                base = rng.uniform(lo, hi)
                goal = base * rng.uniform(1.2, 2.0)
                f = (lambda v: f"{v:.1f}") if dec else (lambda v: str(int(round(v))))
                rows.append([str(i), nm, f(base), f(goal), rng.choice(["预期性", "约束性"]) if i > 2 else "预期性"])
            goal_blocks.append(("table", ("专栏1  主要发展指标", rows)))
        gen.append(("发展目标", goal_blocks))
        sections.append(("总体要求", gen))

        # key fields
        groups = rng.choice(GROUP_TITLES[focus])
        ngroups = min(len(groups), max(1, len(inds) // 3)) if not single else len(groups)
        field_subs = []
        item_no = 0
        seg_no = 0
        seg_style = rng.random() < 0.35 and not single
        if single:
            segs = INDUSTRIES[single][1][:]
            rng.shuffle(segs)
            per = [segs[i::ngroups] for i in range(ngroups)]
            for gi in range(ngroups):
                blocks = []
                if gi == 0:
                    for seg in per[gi]:
                        item_no += 1
                        blocks.append(("item", (item_no, seg[0], self.segment_text(single, seg, rng, ctx)
                                                + (f"〔重点布局:{'、'.join(self.districts(rng, ctx, 3))}〕" if rng.random() < 0.5 else ""))))
                        lead, resp = self.industry_owners(single, dep, rng)
                        blocks.append(("owner", self.owner_text(owner_style, lead, resp, rng, county_word)))
                elif gi == 1:
                    for p in self.platform_entries(single, rng, ctx, 3):
                        item_no += 1
                        t, _, b = p.partition("。")
                        blocks.append(("item", (item_no, t, b)))
                        lead, resp = self.industry_owners(single, dep, rng)
                        blocks.append(("owner", self.owner_text(owner_style, lead, resp, rng, county_word)))
                else:
                    for sc in pick(rng, INDUSTRIES[single][2], 3):
                        item_no += 1
                        blocks.append(("item", (item_no, f"{sc}场景", f"聚焦{sc}领域需求,开放一批{single}应用场景,支持企业开展{rng.choice(INDUSTRIES[single][1])[0]}产品示范应用,到{y1}年建成示范项目{rng.randint(3, 30)}个。")))
                        lead, resp = self.industry_owners(single, dep, rng)
                        blocks.append(("owner", self.owner_text(owner_style, lead, resp, rng, county_word)))
                field_subs.append((groups[gi], blocks))
        else:
            per = [inds[i::ngroups] for i in range(ngroups)]
            for gi in range(ngroups):
                blocks = []
                for ind in per[gi]:
                    item_no += 1
                    if seg_style:
                        blocks.append(("subhead", (item_no, ind)))
                        for seg in pick(rng, INDUSTRIES[ind][1], rng.randint(2, len(INDUSTRIES[ind][1]))):
                            seg_no += 1
                            blocks.append(("seg", (seg_no, seg[0], self.segment_text(ind, seg, rng, ctx))))
                    else:
                        body, _ = self.industry_paragraph(ind, rng, ctx, rng.randint(1, 3))
                        if rng.random() < 0.6:
                            body += f"〔重点布局:{'、'.join(self.districts(rng, ctx, rng.randint(2, 4)))}〕"
                        blocks.append(("item", (item_no, ind, body)))
                    lead, resp = self.industry_owners(ind, dep, rng)
                    blocks.append(("owner", self.owner_text(owner_style, lead, resp, rng, county_word)))
                    if rng.random() < 0.25:
                        rows = [["类别", "主要内容"],
                                ["产业化", "、".join(f"{p}项目" for p in pick(rng, rng.choice(INDUSTRIES[ind][1])[2], 2))],
                                ["创新平台", "、".join(e.partition("。")[0] for e in self.platform_entries(ind, rng, ctx, 2))],
                                [f"重点区县(开发区)", "、".join(self.districts(rng, ctx, 3))]]
                        blocks.append(("table", (f"专栏{rng.randint(2, 9)}  {ind}产业发展重点", rows)))
                field_subs.append((groups[gi], blocks))
        sections.append((rng.choice(["重点领域", "发展重点", "重点方向", "主攻方向"]), field_subs))

        # measures
        ms = pick(rng, MEASURES, rng.randint(4, 9))
        msubs = []
        fmt = dict(scope=ctx["scope"], city="市", short=city["short"], n_money=rng.choice([200, 300, 500, 800, 1000]),
                   pct=rng.randint(10, 50), y_end=y1, n_small=rng.randint(2, 9), n_big=rng.choice([500, 1000, 2000, 5000]),
                   n_fund=rng.choice([10, 20, 30, 50, 100]), county_word=county_word, strategy=strategy)
        for t, b in ms:
            lead_k = rng.choice(["sci", "econ", "dev", "fin", "hr", "com", "inv"])
            lead = dep[lead_k]
            resp = [dep[k] for k in pick(rng, [k for k in ("sci", "econ", "dev", "fin", "hr", "com", "mkt", "edu", "land", "data") if k != lead_k], rng.randint(1, 3))]
            txt = b.format(**fmt)
            if rng.random() < 0.3:
                txt += self.filler(rng, ctx)
            msubs.append((t.replace("行动", "行动") if rng.random() < 0.7 else t.replace("实施", "").replace("行动", "工程"),
                          [("inline", txt), ("owner", self.owner_text(owner_style, lead, resp, rng, county_word))]))
        # harvested lead paragraphs as further tasks
        for _ in range(rng.randint(0, 3)):
            t, b = self.lead_para(rng, ctx)
            lead = dep[rng.choice(["sci", "econ", "dev"])]
            resp = [dep[k] for k in pick(rng, ["fin", "hr", "com", "mkt", "edu"], 2)]
            msubs.append((t, [("inline", b), ("owner", self.owner_text(owner_style, lead, resp, rng, county_word))]))
        rng.shuffle(msubs)
        seen_t = set()
        msubs[:] = [m for m in msubs if not (m[0] in seen_t or seen_t.add(m[0]))]
        if rng.random() < 0.3 and inds:
            ind = rng.choice(inds)
            entries = self.platform_entries(ind, rng, ctx, rng.randint(2, 4))
            msubs[0][1].append(("table", (f"专栏{rng.randint(2, 9)}  重大创新平台建设工程", [["类别", "建设内容"], ["创新平台", "¶".join(f"{i}.{e}" for i, e in enumerate(entries, 1))]])))
        sections.append((rng.choice(["重点任务", "工作举措", "重点工程", "主要任务"]), msubs))

        # safeguards
        sg = pick(rng, SAFEGUARDS, rng.randint(3, 5))
        sections.append(("保障措施", [(t, [("inline", b.format(city="市", county_word=county_word))]) for t, b in sg]))

        # Grow to the target size with prose in the basis / measures (and lead paragraphs)
        self.render_sections(doc, sections, plan_style, rng)
        doc.tail = rng.choice(OUTRO).format(lead=dep["dev"], county_word=county_word) if rng.random() < 0.5 else None
        size = approx_size(doc)
        guard = 0
        while size < target_bytes and guard < 2000:
            guard += 1
            r = rng.random()
            if r < 0.25 and basis and min(len(b[1]) for b in basis) < 8:
                sub = min(basis, key=lambda b: len(b[1]))
                sub[1].insert(rng.randint(0, len(sub[1])), ("p", self.filler(rng, ctx)))
            elif r < 0.4 and msubs and sum(len(m[1]) for m in msubs) < 3 * len(msubs) + 6:
                sub = rng.choice(msubs)
                sub[1].insert(max(0, len(sub[1]) - 1), ("inline" if not sub[1] else "p", self.filler(rng, ctx)))
            elif r < 0.65 and len(msubs) < 18:
                t, b = self.lead_para(rng, ctx)
                if any(m[0] == t for m in msubs):
                    continue
                lead = dep[rng.choice(["sci", "econ", "dev"])]
                resp = [dep[k] for k in pick(rng, ["fin", "hr", "com", "mkt", "edu"], 2)]
                msubs.insert(rng.randint(0, len(msubs)), (t, [("inline", b), ("owner", self.owner_text(owner_style, lead, resp, rng, county_word))]))
            else:
                # one more paragraph on a segment of an industry of the plan
                sub = rng.choice(field_subs)
                ind = rng.choice(inds)
                seg = rng.choice(INDUSTRIES[ind][1])
                pos = rng.randint(0, len(sub[1]))
                while pos > 0 and sub[1][pos - 1][0] in ("subhead", "item", "seg"):
                    pos -= 1  # never between an item and its owner passage
                sub[1].insert(pos, ("p", f"{rng.choice(['加快发展', '积极培育', '前瞻布局', '做强'])}{seg[0]}。" + self.segment_text(ind, seg, rng, ctx)))
            if guard % 8 == 0:
                doc.blocks = doc.blocks[:doc.n_head]
                self.render_sections(doc, sections, plan_style, rng)
                size = approx_size(doc)
        doc.blocks = doc.blocks[:doc.n_head]
        self.render_sections(doc, sections, plan_style, rng)
        if doc.tail:
            doc.p(doc.tail)
        return doc

    def render_sections(self, doc, sections, plan_style, rng):
        if not hasattr(doc, "n_head"):
            doc.n_head = len(doc.blocks)
        for si, (stitle, subs) in enumerate(sections, 1):
            if plan_style:
                doc.h(f"第{cn_num(si)}章  {stitle}")
            else:
                doc.h(f"{cn_num(si)}、{stitle}")
            for ji, (jtitle, blocks) in enumerate(subs, 1):
                inline = blocks and blocks[0][0] == "inline"
                mark = f"第{cn_num(ji)}节  " if plan_style else f"({cn_num(ji)})"
                if inline:
                    if plan_style:
                        doc.h(f"{mark}{jtitle}")
                        doc.p(blocks[0][1])
                    else:
                        doc.p(f"{mark}{jtitle}。{blocks[0][1]}")
                    rest = blocks[1:]
                else:
                    doc.h(f"{mark}{jtitle}")
                    rest = blocks
                for kind, payload in rest:
                    if kind in ("p", "inline"):
                        doc.p(payload)
                    elif kind == "owner":
                        if doc.blocks and doc.blocks[-1][0] == "p" and rng_stable(payload) < 0.5 and not payload.startswith("〔"):
                            k, t = doc.blocks[-1]
                            doc.blocks[-1] = (k, t + payload)
                        else:
                            doc.p(payload)
                    elif kind == "item":
                        n, t, b = payload
                        doc.p(f"{n}.{t}。{b}")
                    elif kind == "subhead":
                        n, t = payload
                        doc.h(f"{n}.{t}")
                    elif kind == "seg":
                        n, t, b = payload
                        doc.p(f"({n}){t}。{b}")
                    elif kind == "table":
                        doc.table(*payload)


def rng_stable(s):
    """A stable pseudo-random number in [0, 1) from a string (not Python's salted hash)."""
    h = 2166136261
    for ch in s.encode("utf-8"):
        h = ((h ^ ch) * 16777619) & 0xFFFFFFFF
    return h / 2 ** 32


def approx_size(doc):
    n = 0
    for kind, payload in doc.blocks:
        if kind == "table":
            n += sum(len(c) for r in payload[1] for c in r) * 3 + 100
        else:
            n += len(payload.encode("utf-8")) + 2
    return n + 2000


# ---------------------------------------------------------------------------------------------
# Rendering

FULLWIDTH = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})


def punct(text, full):
    return text.translate(FULLWIDTH) if full else text


def render_text(doc, rng):
    m = doc.meta
    full = rng.random() < 0.4
    lines = []
    city = m["city"]
    if m["notice"] == "portal":
        lines += [f"您当前的位置:首页 > 政务公开 > {rng.choice(['政策文件', '法定主动公开内容', '政府信息公开'])} > {rng.choice(['市政府办文件', '市政府文件', '其他公文'])}", "",
                  "[ 索引号 ]", f"{city['code']}{rng.randint(10000, 99999)}/{m['sign'][0]}-{rng.randint(1, 500):05d}",
                  "[ 发文字号 ]", m["docno"], "[ 主题分类 ]", rng.choice(["工业", "科技", "工业、交通", "综合政务"]),
                  "[ 发布机构 ]", m["issuer"], "[ 成文日期 ]", "%04d-%02d-%02d" % m["sign"],
                  "[ 发布日期 ]", "%04d-%02d-%02d" % m["pub"], ""]
    elif m["notice"] == "news":
        lines += [rng.choice(["产业研究网", "新华网", "人民网", "中国经济网"]), "",
                  f"来源:{city['name']}人民政府网 %04d-%02d-%02d 阅读:{rng.randint(100, 20000)}" % m["pub"], ""]
    blank = rng.random() < 0.7
    for kind, payload in doc.blocks:
        if kind == "table":
            caption, rows = payload
            lines.append(punct(caption, full))
            for r in rows:
                if len(r) == 2 and rng.random() < 0.5:
                    lines.append("\t" + r[0])
                    lines.append("\t" + punct(r[1].replace("¶", "\n"), full))
                else:
                    lines.append(punct("\t".join(c.replace("¶", " ") for c in r), full))
            if blank:
                lines.append("")
            continue
        text = punct(payload, full)
        if kind == "right":
            text = text + " " * rng.randint(2, 10)
        lines.append(text)
        if blank:
            lines.append("")
    if m["notice"] == "portal" and rng.random() < 0.6:
        lines += ["", rng.choice(["扫一扫在手机打开当前页", "【打印本页】【关闭窗口】", "相关附件:无"])]
    text = "\n".join(lines) + "\n"
    return text


NAV = ["首页", "政务公开", "政务服务", "互动交流", "走进{short}", "专题专栏", "数据发布"]


def render_html(doc, rng):
    m = doc.meta
    city = m["city"]
    e = html.escape
    prov_short = re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$", "", city["province"])
    full = rng.random() < 0.6
    out = ["<!DOCTYPE html>", "<html lang=\"zh-CN\">", "<head>", "<meta charset=\"{charset}\">",
           f"<title>{e(m['title'])}_{e(city['name'])}人民政府</title>",
           f"<meta name=\"ArticleTitle\" content=\"{e(m['title'])}\">",
           f"<meta name=\"PubDate\" content=\"%04d-%02d-%02d 09:{rng.randint(10, 59)}\">" % m["pub"],
           "<link rel=\"stylesheet\" href=\"/css/common.css\">",
           "<script>var _hmt = _hmt || [];(function(){var hm=document.createElement('script');hm.src='https://hm.example.invalid/hm.js';})();</script>",
           "</head>", "<body>",
           "<div class=\"top\"><span>无障碍浏览</span> | <span>长者模式</span> | <a href=\"/\">English</a></div>",
           "<div class=\"nav\"><ul>" + "".join(f"<li><a href=\"/{i}/\">{e(n.format(short=city['short']))}</a></li>" for i, n in enumerate(NAV)) + "</ul></div>",
           f"<div class=\"crumb\">当前位置:<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/zcwj/\">政策文件</a></div>",
           "<div class=\"article\">",
           f"<table class=\"info\"><tr><td>索引号:</td><td>{city['code']}{rng.randint(10000, 99999)}/{m['sign'][0]}-{rng.randint(1, 500):05d}</td>"
           f"<td>发布机构:</td><td>{e(m['issuer'])}</td></tr><tr><td>文号:</td><td>{e(m['docno'])}</td><td>发布日期:</td><td>%04d-%02d-%02d</td></tr></table>" % m["pub"],
           "<div class=\"content\" id=\"zoom\">"]
    for kind, payload in doc.blocks:
        if kind == "table":
            caption, rows = payload
            out.append(f"<p style=\"text-align:center\"><strong>{e(punct(caption, full))}</strong></p>")
            out.append("<table border=\"1\" cellspacing=\"0\">")
            for i, r in enumerate(rows):
                tag = "th" if i == 0 else "td"
                out.append("<tr>" + "".join(f"<{tag}>" + "<br>".join(e(punct(x, full)) for x in c.split("¶")) + f"</{tag}>" for c in r) + "</tr>")
            out.append("</table>")
            continue
        text = e(punct(payload, full))
        if kind == "center":
            out.append(f"<p style=\"text-align: center;\">{text}</p>")
        elif kind == "right":
            out.append(f"<p style=\"text-align: right;\">{text}</p>")
        elif kind == "h":
            out.append(f"<p style=\"text-indent: 2em;\"><strong>{text}</strong></p>")
        else:
            out.append(f"<p style=\"text-indent: 2em;\">{text}</p>")
    out += ["</div>", "<div class=\"share\">分享到:<a>微信</a><a>微博</a> 【<a href=\"javascript:window.print()\">打印</a>】【<a href=\"javascript:window.close()\">关闭</a>】</div>",
            "</div>",
            "<div class=\"related\"><h3>相关文件</h3><ul>" + "".join(
                f"<li><a href=\"/zcjd/{rng.randint(1000, 9999)}.html\">《{e(m['title'][:12])}》政策解读{i}</a></li>" for i in range(1, rng.randint(2, 5))) + "</ul></div>",
            f"<div class=\"footer\"><p>主办:{e(city['name'])}人民政府办公室 承办:{e(city['name'])}大数据中心</p>"
            f"<p>网站标识码:{city['code'][:4]}{rng.randint(100000, 999999)} {e(city['province'][:2])}ICP备{rng.randint(10000000, 99999999)}号 "
            f"{e(prov_short)}公网安备 {city['code']}{rng.randint(10000000, 99999999)}号</p><p>版权所有 © {e(city['name'])}人民政府 联系我们 网站地图</p></div>",
            "</body>", "</html>"]
    return "\n".join(out).replace("\xa0", "&nbsp;") + "\n"


# ---------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory (created)")
    ap.add_argument("-n", "--count", type=int, default=1000, help="number of documents (default 1000)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--seeds-dir", default=os.environ.get("PLANWATCH_SEEDS", DEFAULT_SEEDS),
                    help="directory of real seed documents (default ../shared/seeds)")
    ap.add_argument("--places", default=os.path.join(REPO, "data", "places.toml"))
    args = ap.parse_args()

    cities = load_places(args.places)
    by_city = {c["name"]: c["counties"] for c in cities}
    seed_paths = []
    if os.path.isdir(args.seeds_dir):
        seed_paths += sorted(os.path.join(args.seeds_dir, f) for f in os.listdir(args.seeds_dir))
    src = os.path.join(REPO, "examples", "src")
    if os.path.isdir(src):
        seed_paths += sorted(os.path.join(src, f) for f in os.listdir(src) if f.endswith(".txt"))
    prose, leads = harvest(seed_paths, by_city)
    if len(prose) < 20 or len(leads) < 10:
        sys.exit(f"gen_corpus: too little prose harvested from {args.seeds_dir} ({len(prose)} paragraphs, {len(leads)} lead paragraphs)")

    os.makedirs(args.out, exist_ok=True)
    master = random.Random(args.seed)
    gen = Generator(cities, prose, leads, master)
    stats = {}
    total = 0
    width = max(4, len(str(args.count)))
    for i in range(args.count):
        rng = random.Random(f"{args.seed}/{i}")
        fmt = rng.choices(["utf8", "utf8-bom", "utf8-crlf", "gb18030", "html", "html-gbk"], [55, 5, 8, 15, 12, 5])[0]
        # Byte sizes: GB18030 is ~2/3 of UTF-8 for Chinese text, HTML adds markup.
        want = int(min(MAX_BYTES, max(MIN_BYTES, rng.lognormvariate(10.6, 0.45))))
        factor = 1.5 if fmt == "gb18030" else 1.45 if fmt == "html-gbk" else 0.95 if fmt.startswith("html") else 1.0
        for attempt in range(6):
            doc = gen.build(rng, int(want * factor * (0.9 ** attempt)) if attempt else int(want * factor))
            if fmt.startswith("html"):
                page = render_html(doc, rng)
                if fmt == "html-gbk":
                    try:
                        data = page.replace("{charset}", "gbk", 1).replace("©", "").encode("gbk")
                    except UnicodeEncodeError as err:
                        print(f"gen_corpus: {err}", file=sys.stderr)
                        data = page.replace("{charset}", "utf-8", 1).encode("utf-8")
                else:
                    data = page.replace("{charset}", rng.choice(["utf-8", "UTF-8"]), 1).encode("utf-8")
                ext = ".html" if rng.random() < 0.8 else ".htm"
            else:
                text = render_text(doc, rng)
                if fmt == "gb18030":
                    data = text.replace("\n", "\r\n").encode("gb18030")
                elif fmt == "utf8-crlf":
                    data = text.replace("\n", "\r\n").encode("utf-8")
                elif fmt == "utf8-bom":
                    data = b"\xef\xbb\xbf" + text.encode("utf-8")
                else:
                    data = text.encode("utf-8")
                ext = ".txt"
            if MIN_BYTES <= len(data) <= MAX_BYTES:
                break
            # retry with a new plan (the title is consumed; a new one is drawn)
            if len(data) < MIN_BYTES:
                want = int(want * 1.2)
        name = f"plan_{i:0{width}d}{ext}"
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        total += len(data)
        stats[fmt] = stats.get(fmt, 0) + 1
    print(f"gen_corpus: {args.count} documents, {total / 1e6:.1f} MB in {args.out} "
          f"(seed {args.seed}; {len(prose)} prose and {len(leads)} lead paragraphs harvested from {len(seed_paths)} files)")
    print("formats: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    main()
