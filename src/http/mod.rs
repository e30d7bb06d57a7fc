//! HTTP plumbing shared by every resource: extractors that fail with problem details,
//! ETags, cursor pagination, the request-context middleware and the problem responses they document.

pub mod cache;
pub mod cors;
pub mod csv;
pub mod etag;
pub mod extract;
pub mod merge_patch;
pub mod middleware;
pub mod pagination;
pub mod responses;
