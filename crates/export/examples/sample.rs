//! Writes sample exports for a visual check:
//! `cargo run -p planwatch-export --example sample -- DIR` writes tasks.xlsx, targets.xlsx,
//! tasks.csv and targets.csv (50 realistic tasks plus the tests' edge cases) into DIR.

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    std::fs::create_dir_all(&dir)?;
    let mut tasks = common::sample_tasks();
    tasks.extend(common::many_tasks(50));
    let targets = common::sample_targets();
    let title = format!("{}任务分工表", common::PLAN);
    std::fs::write(dir.join("tasks.xlsx"), planwatch_export::tasks_xlsx(&title, &tasks)?)?;
    std::fs::write(dir.join("targets.xlsx"), planwatch_export::targets_xlsx("目标台账", &targets)?)?;
    std::fs::write(dir.join("tasks.csv"), planwatch_export::tasks_csv(&tasks)?)?;
    std::fs::write(dir.join("targets.csv"), planwatch_export::targets_csv(&targets)?)?;
    println!("wrote {}", dir.display());
    Ok(())
}
