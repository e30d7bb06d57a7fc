//! Enumerations that travel as lower snake_case text: in JSON, in query parameters and in the
//! database (TEXT columns on both backends).

/// Declares an enum with the derives every API enumeration needs: serde and OpenAPI as snake_case
/// strings, `FromStr`/`AsRef<str>` for the database, and the list of variant names for errors.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            strum::EnumString, strum::AsRefStr, strum::VariantNames,
        )]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$variant_meta])* $variant),+ }
    };
}
