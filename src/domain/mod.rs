//! Value types that validate themselves: once constructed, a value is known to be valid.

pub mod address;
pub mod fee;
pub mod identifiers;
pub mod lifecycle;
pub mod limits;
pub mod money;
pub mod period;
pub mod service_area;
pub mod text;
pub mod text_enum;

pub use address::Address;
pub use identifiers::{Krs, Nip, Pesel, PostalCode, Regon, Teryt};
pub use money::Money;
pub use period::{DateRange, Period};
pub use service_area::ServiceArea;
