//! HTTP plumbing shared by every resource: extractors that fail with problem details,
//! ETags, cursor pagination and the request-context middleware.

pub mod etag;
pub mod extract;
pub mod merge_patch;
pub mod middleware;
pub mod pagination;
