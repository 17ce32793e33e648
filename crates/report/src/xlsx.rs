use crate::{Report, ReportError};
pub fn xlsx(_report: &Report) -> Result<Vec<u8>, ReportError> {
    todo!()
}
