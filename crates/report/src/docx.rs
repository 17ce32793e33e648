use crate::{Report, ReportError};
pub fn docx(_report: &Report) -> Result<Vec<u8>, ReportError> {
    todo!()
}
