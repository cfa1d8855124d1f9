//! ValidatingAdmissionPolicy (placeholder while being written).

use super::Request;
use crate::api::Result;
use crate::store::Store;

pub(in crate::store) fn validate(_store: &mut Store, _request: &Request<'_>) -> Result<()> {
    Ok(())
}
