//! Enumerations that travel as lower snake_case text: in JSON, in query parameters and in the
//! database (TEXT columns on both backends, mapped by `sql_text_enum!`).

/// Declares an enum with the derives every API enumeration needs: serde and OpenAPI as snake_case
/// strings, `FromStr`/`AsRef<str>`, the mapping to and from TEXT columns (so that rows hold the
/// enum), and the list of variant names for errors.
#[macro_export]
macro_rules! text_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            strum::EnumString, strum::AsRefStr, strum::VariantNames,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        pub enum $name { $($(#[$variant_meta])* $variant),+ }

        $crate::sql_text_enum!($name);
    };
}
