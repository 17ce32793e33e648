//! 统一社会信用代码 (GB 32100-2015): 18 characters from `0-9A-HJ-NPQRTUWXY` (no I, O, S, V,
//! Z); the first is the registering authority, the second the kind of organisation, then the
//! 6-digit administrative division code, the 9-character organisation code, and a check
//! character: with the code values c₁…c₁₇ and weights wᵢ = 3^(i−1) mod 31, the check value is
//! 31 − (Σ cᵢ·wᵢ mod 31), and 31 is written 0.

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

fn value(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character of the first 17 characters, if they are all of the code's alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in b.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    Some(CHARSET[v as usize] as char)
}

/// Why a written code is not a 统一社会信用代码.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    Length(usize),
    /// The character at this 1-based position is not of the alphabet.
    Char(usize, char),
    /// The check character written, and the one the other 17 give.
    Check {
        written: char,
        expected: char,
    },
}

impl CodeError {
    /// Reason and what to do, in zh-CN.
    pub fn message(&self) -> (String, String) {
        match self {
            CodeError::Length(n) => {
                (format!("统一社会信用代码应为 18 位,此处为 {n} 位"), "按营业执照核对后填写 18 位代码(不含空格)".into())
            }
            CodeError::Char(at, c) => (
                format!("第 {at} 位“{c}”不是统一社会信用代码可用的字符(不使用 I、O、S、V、Z)"),
                "按营业执照核对;字母 O 常被误写为数字 0 或反之".into(),
            ),
            CodeError::Check { written, expected } => (
                format!("校验位错误:最后一位为“{written}”,按前 17 位计算应为“{expected}”"),
                "代码中有抄错的字符:请按营业执照逐位核对".into(),
            ),
        }
    }
}

/// The code in canonical form (upper case, spaces removed), or why it is not one.
pub fn validate(written: &str) -> Result<String, CodeError> {
    let code: String = written
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c {
            // Full-width forms as typed by Chinese input methods.
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let n = code.chars().count();
    if n != 18 {
        return Err(CodeError::Length(n));
    }
    if let Some((i, c)) = code.chars().enumerate().find(|(_, c)| !c.is_ascii() || value(*c as u8).is_none()) {
        return Err(CodeError::Char(i + 1, c));
    }
    let expected = check_char(&code[..17]).ok_or(CodeError::Length(n))?;
    let written = code.as_bytes()[17] as char;
    if written != expected {
        return Err(CodeError::Check { written, expected });
    }
    Ok(code)
}

/// A valid code made of a 17-character stem (for tests and synthetic data): the stem plus
/// its check character. None when the stem has characters outside the alphabet.
pub fn complete(stem: &str) -> Option<String> {
    Some(format!("{stem}{}", check_char(stem)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes of the real form: registering authority 9 (市场监管), kind 1 (企业), a real
    /// division code (合肥市蜀山区 340104, 重庆市渝北区 500112) and an organisation code;
    /// the check character is computed by hand below, independently of [`check_char`].
    #[test]
    fn codes_of_the_real_form_pass_with_their_computed_check_character() {
        // 9 1 3 4 0 1 0 4 M A 2 T 5 X 8 N 6 → values and weights by hand:
        // 9·1 + 1·3 + 3·9 + 4·27 + 0·19 + 1·26 + 0·16 + 4·17 + M(21)·20 + A(10)·29 + 2·25
        // + T(26)·13 + 5·8 + X(29)·24 + 8·10 + N(22)·30 + 6·28 = 2983; 2983 mod 31 = 7;
        // 31 − 7 = 24 → Q (the alphabet skips I, O, S, V, Z: P = 23, Q = 24).
        assert_eq!(check_char("91340104MA2T5X8N6"), Some('Q'));
        assert_eq!(validate("91340104MA2T5X8N6Q"), Ok("91340104MA2T5X8N6Q".into()));
        // Written with spaces, in lower case and full width: the same code.
        assert_eq!(validate(" 9134 0104ma2t5x8n6ｑ"), Ok("91340104MA2T5X8N6Q".into()));
        // The standard's own example.
        assert_eq!(validate("91350100M000100Y43"), Ok("91350100M000100Y43".into()));
        let made = complete("91500112MA5U7Q1K3").unwrap();
        assert_eq!(validate(&made), Ok(made.clone()));
    }

    #[test]
    fn a_wrong_check_character_a_bad_letter_and_a_wrong_length_are_refused() {
        assert_eq!(validate("91340104MA2T5X8N6A"), Err(CodeError::Check { written: 'A', expected: 'Q' }));
        // One character mistyped changes the check.
        assert!(matches!(validate("91340104MA2T5X8N7Q"), Err(CodeError::Check { .. })));
        assert_eq!(validate("91340104MO2T5X8N6Q"), Err(CodeError::Char(10, 'O')));
        assert_eq!(validate("9134010"), Err(CodeError::Length(7)));
        assert_eq!(validate("91340104MA2T5X8N6Q1"), Err(CodeError::Length(19)));
        assert!(matches!(validate("91340104MA2T5X8N6中"), Err(CodeError::Char(18, '中'))));
        let (reason, fix) = CodeError::Check { written: 'A', expected: 'Q' }.message();
        assert!(reason.contains("应为“Q”") && fix.contains("营业执照"), "{reason} {fix}");
    }
}
