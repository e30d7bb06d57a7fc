//! Resource lifecycles: a status changes only through an allowed action, and a forbidden one is a
//! 409 that names the current status and the actions it allows.

use crate::error::ApiError;

/// The state machine of a resource's status.
pub trait Lifecycle: Copy + AsRef<str> + 'static {
    type Action: Copy + PartialEq + AsRef<str> + 'static;

    /// The actions the status allows.
    fn allowed_actions(self) -> &'static [Self::Action];

    /// The status an allowed action leads to.
    fn after(self, action: Self::Action) -> Self;

    /// The only way to change a status.
    fn transition(self, action: Self::Action) -> Result<Self, ApiError> {
        if !self.allowed_actions().contains(&action) {
            let allowed = self.allowed_actions().iter().map(AsRef::as_ref).collect();
            return Err(forbidden_transition(self.as_ref(), action.as_ref(), allowed));
        }
        Ok(self.after(action))
    }
}

/// 409 `invalid-state-transition` with `current_status` and `allowed_actions`.
pub fn forbidden_transition(current: &str, action: &str, allowed: Vec<&str>) -> ApiError {
    ApiError::conflict("invalid-state-transition", format!("the status {current} does not allow {action}"))
        .with("current_status", current)
        .with("allowed_actions", allowed)
}
