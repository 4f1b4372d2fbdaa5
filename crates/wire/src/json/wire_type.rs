//! [`wire_type!`](crate::wire_type): a struct declared once, its [`FromJson`](super::FromJson) and
//! [`ToJson`](super::ToJson) read from the same serde attributes the dev server's derives read.

/// Declares a wire struct and generates its codecs from its serde attributes.
///
/// ```
/// use livechat_wire::json::{FromJson, to_string};
/// use livechat_wire::wire_type;
/// use serde::{Deserialize, Serialize};
///
/// wire_type! {
///     /// `POST livechat/room.close` answer.
///     #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
///     pub struct CloseRoomResponse {
///         pub rid: String,
///         #[serde(default, skip_serializing_if = "String::is_empty")]
///         pub comment: String,
///     }
///     impl FromJson, ToJson;
/// }
///
/// fn decodes<T: FromJson>() {}
/// decodes::<CloseRoomResponse>();
/// let answer = CloseRoomResponse { rid: "r1".into(), comment: String::new() };
/// assert_eq!(to_string(&answer), r#"{"rid":"r1"}"#);
/// ```
///
/// The struct is emitted as written (serde's derives see exactly these attributes); the `impl`
/// line names the codecs to generate, `FromJson`, `ToJson` or both. They follow serde's rules,
/// read from the attributes:
///
/// * the JSON key is `rename = "..."`, else the field's name (`rename_all` is refused: each
///   field names its key where it is declared);
/// * a struct with `#[serde(default)]` decodes over its own `Default` (which may set values of
///   its own, as `config::Settings` does), each field present replacing its default; any other
///   is built from its fields, each required (absent is an error) unless it has
///   `#[serde(default)]`. Serde also defaults an absent `Option` without the attribute; here
///   such a field needs `#[serde(default)]` (which changes nothing for serde);
/// * `#[serde(flatten)]` reads the field from the same object (decoding only, and not in a
///   struct with `#[serde(default)]`);
/// * `#[serde(skip)]` (alone) on a field of type [`Kept`](crate::json::Kept), in a struct with
///   `#[serde(default)]`, holds the whole object as decoded ([`Json::keep`](crate::json::Json::keep));
///   it is never written;
/// * a field under `#[cfg(...)]` is decoded (in a struct with `#[serde(default)]`) and written
///   under the same condition;
/// * encoding writes the fields in order, leaving out an `Option` that is `None`
///   (`skip_serializing_if = "Option::is_none"`) and an empty `Vec`, `String`, `BTreeMap` or
///   `StrMap` (`"Vec::is_empty"`, `"String::is_empty"`, `"BTreeMap::is_empty"`,
///   `"StrMap::is_empty"`).
///
/// Serde attributes that change how a value reads or writes otherwise (`deserialize_with`,
/// `with`, `default = "..."`, other `skip_serializing_if` paths) are refused at compile time:
/// such a type keeps hand-written codecs.
///
/// ```compile_fail
/// use livechat_wire::wire_type;
/// use serde::{Deserialize, Serialize};
///
/// wire_type! {
///     #[derive(Default, Serialize, Deserialize)]
///     #[serde(rename_all = "camelCase")]
///     pub struct LoginData {
///         pub user_id: String,
///     }
///     impl FromJson;
/// }
/// ```
///
/// Unknown fields are ignored and `null` is `None` only for an `Option`, as everywhere in
/// [`json`](crate::json). The drift tests in `json/tests.rs` check every generated codec against
/// serde.
#[macro_export]
macro_rules! wire_type {
    (
        $(#[$($attr:tt)*])*
        $vis:vis struct $name:ident $body:tt
        impl $($codec:ident),+ ;
    ) => {
        $(#[$($attr)*])*
        $vis struct $name $body
        $crate::wire_type!(@check $([$($attr)*])*);
        $crate::wire_type!(@impls $name [$([$($attr)*])*] $body; $($codec),+);
    };

    // The struct's own attributes: nothing the codecs would not follow.
    (@check) => {};
    (@check [serde(rename_all $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: no `rename_all`; give each field its key with `rename`");
    };
    (@check [serde($skip:tt $($rest:tt)*)] $($more:tt)*) => {
        $crate::wire_type!(@check [serde($($rest)*)] $($more)*);
    };
    (@check [$($other:tt)*] $($more:tt)*) => { $crate::wire_type!(@check $($more)*); };

    (@impls $name:ident $attrs:tt $body:tt; $codec:ident $(, $more:ident)*) => {
        $crate::wire_type!(@$codec $name $attrs $body);
        $crate::wire_type!(@impls $name $attrs $body; $($more),*);
    };
    (@impls $name:ident $attrs:tt $body:tt;) => {};

    // A struct with `#[serde(default)]` decodes over its `Default` (which may be its own, not
    // derived): `Obj::set` per field. Any other is built from its fields: `Obj::req` for a
    // required one, `Obj::or_default` for one with a default. Both are the shapes the hand
    // decoders had, and the smallest in the widget.
    (@FromJson $name:ident $attrs:tt $body:tt) => {
        $crate::wire_type!(@style $attrs; $name $body);
    };
    (@style []; $($args:tt)*) => { $crate::wire_type!(@fields $($args)*); };
    (@style [[serde(default $($rest:tt)*)] $($more:tt)*]; $($args:tt)*) => {
        $crate::wire_type!(@over_default $($args)*);
    };
    (@style [[serde($skip:tt $($rest:tt)*)] $($more:tt)*]; $($args:tt)*) => {
        $crate::wire_type!(@style [[serde($($rest)*)] $($more)*]; $($args)*);
    };
    (@style [[$($other:tt)*] $($more:tt)*]; $($args:tt)*) => {
        $crate::wire_type!(@style [$($more)*]; $($args)*);
    };

    (@over_default $name:ident { $( $(#[$($fattr:tt)*])* $fvis:vis $field:ident : $ty:ty ),* $(,)? }) => {
        impl $crate::json::FromJson for $name {
            fn from_json<J: $crate::json::Json>(v: &J) -> ::core::result::Result<Self, $crate::json::DecodeError> {
                let mut o = $crate::json::Obj::new(v)?;
                let mut r = <Self as ::core::default::Default>::default();
                $(
                    $crate::wire_type!(@cfg [$([$($fattr)*])*] {
                        $crate::wire_type!(@set o, r.$field,
                            $crate::wire_type!(@key $field; $([$($fattr)*])*);
                            $([$($fattr)*])*);
                    });
                )*
                o.done(r)
            }
        }
    };

    (@fields $name:ident { $( $(#[$($fattr:tt)*])* $fvis:vis $field:ident : $ty:ty ),* $(,)? }) => {
        impl $crate::json::FromJson for $name {
            #[allow(unused_variables)]
            fn from_json<J: $crate::json::Json>(v: &J) -> ::core::result::Result<Self, $crate::json::DecodeError> {
                let o = $crate::json::Obj::new(v)?;
                ::core::result::Result::Ok($name {
                    $(
                        $field: $crate::wire_type!(@get o, v,
                            $crate::wire_type!(@key $field; $([$($fattr)*])*);
                            $([$($fattr)*])*),
                    )*
                })
            }
        }
    };

    (@ToJson $name:ident $attrs:tt
        { $( $(#[$($fattr:tt)*])* $fvis:vis $field:ident : $ty:ty ),* $(,)? }) => {
        impl $crate::json::ToJson for $name {
            #[allow(unused_variables)]
            fn to_json(&self, w: &mut $crate::json::JsonWriter) {
                w.object(|w| {
                    $(
                        $crate::wire_type!(@cfg [$([$($fattr)*])*] {
                            $crate::wire_type!(@write w, self.$field,
                                $crate::wire_type!(@key $field; $([$($fattr)*])*);
                                $([$($fattr)*])*);
                        });
                    )*
                });
            }
        }
    };

    // A field's statement under the field's `#[cfg(...)]`, when it has one.
    (@cfg [] $stmt:block) => { $stmt };
    (@cfg [[cfg($($c:tt)*)] $($more:tt)*] $stmt:block) => { #[cfg($($c)*)] $stmt };
    (@cfg [[$($other:tt)*] $($more:tt)*] $stmt:block) => { $crate::wire_type!(@cfg [$($more)*] $stmt) };

    // The key: the first `rename`, else the field's name.
    (@key $field:ident;) => { ::core::stringify!($field) };
    (@key $field:ident; [serde(rename = $key:literal $($rest:tt)*)] $($more:tt)*) => { $key };
    (@key $field:ident; [serde($skip:tt $($rest:tt)*)] $($more:tt)*) => {
        $crate::wire_type!(@key $field; [serde($($rest)*)] $($more)*)
    };
    (@key $field:ident; [$($other:tt)*] $($more:tt)*) => { $crate::wire_type!(@key $field; $($more)*) };

    // Decoding one field of a struct with a default.
    (@set $o:ident, $slot:expr, $key:expr;) => { $o.set($key, &mut $slot) };
    (@set $o:ident, $slot:expr, $key:expr; [serde(skip)] $($more:tt)*) => { $slot = $o.keep() };
    (@set $o:ident, $slot:expr, $key:expr; [serde(flatten $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `flatten` only in a struct without `#[serde(default)]`")
    };
    (@set $o:ident, $slot:expr, $key:expr; [serde(default = $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `default = \"...\"` needs a hand-written FromJson")
    };
    (@set $o:ident, $slot:expr, $key:expr; [serde(deserialize_with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `deserialize_with` needs a hand-written FromJson")
    };
    (@set $o:ident, $slot:expr, $key:expr; [serde(with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `with` needs a hand-written FromJson")
    };
    (@set $o:ident, $slot:expr, $key:expr; [serde($skip:tt $($rest:tt)*)] $($more:tt)*) => {
        $crate::wire_type!(@set $o, $slot, $key; [serde($($rest)*)] $($more)*)
    };
    (@set $o:ident, $slot:expr, $key:expr; [$($other:tt)*] $($more:tt)*) => {
        $crate::wire_type!(@set $o, $slot, $key; $($more)*)
    };

    // Decoding one field of a struct without: required unless it has a default.
    (@get $o:ident, $v:ident, $key:expr;) => { $o.req($key)? };
    (@get $o:ident, $v:ident, $key:expr; [serde(flatten $($rest:tt)*)] $($more:tt)*) => {
        $crate::json::FromJson::from_json($v)?
    };
    (@get $o:ident, $v:ident, $key:expr; [serde(default = $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `default = \"...\"` needs a hand-written FromJson")
    };
    (@get $o:ident, $v:ident, $key:expr; [serde(default $($rest:tt)*)] $($more:tt)*) => {
        $o.or_default($key)?
    };
    (@get $o:ident, $v:ident, $key:expr; [serde(deserialize_with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `deserialize_with` needs a hand-written FromJson")
    };
    (@get $o:ident, $v:ident, $key:expr; [serde(with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `with` needs a hand-written FromJson")
    };
    (@get $o:ident, $v:ident, $key:expr; [serde($skip:tt $($rest:tt)*)] $($more:tt)*) => {
        $crate::wire_type!(@get $o, $v, $key; [serde($($rest)*)] $($more)*)
    };
    (@get $o:ident, $v:ident, $key:expr; [$($other:tt)*] $($more:tt)*) => {
        $crate::wire_type!(@get $o, $v, $key; $($more)*)
    };

    // Encoding one field: scans the field's attributes for `skip_serializing_if`.
    (@write $w:ident, $value:expr, $key:expr;) => { $w.field($key, &$value) };
    (@write $w:ident, $value:expr, $key:expr; [serde(skip)] $($more:tt)*) => {};
    (@write $w:ident, $value:expr, $key:expr;
        [serde(skip_serializing_if = "Option::is_none" $($rest:tt)*)] $($more:tt)*) => {
        $w.field_opt($key, &$value)
    };
    (@write $w:ident, $value:expr, $key:expr;
        [serde(skip_serializing_if = "Vec::is_empty" $($rest:tt)*)] $($more:tt)*) => {
        if !$value.is_empty() { $w.field($key, &$value) }
    };
    (@write $w:ident, $value:expr, $key:expr;
        [serde(skip_serializing_if = "String::is_empty" $($rest:tt)*)] $($more:tt)*) => {
        if !$value.is_empty() { $w.field($key, &$value) }
    };
    (@write $w:ident, $value:expr, $key:expr;
        [serde(skip_serializing_if = "BTreeMap::is_empty" $($rest:tt)*)] $($more:tt)*) => {
        if !$value.is_empty() { $w.field($key, &$value) }
    };
    (@write $w:ident, $value:expr, $key:expr;
        [serde(skip_serializing_if = "StrMap::is_empty" $($rest:tt)*)] $($more:tt)*) => {
        if !$value.is_empty() { $w.field($key, &$value) }
    };
    (@write $w:ident, $value:expr, $key:expr; [serde(skip_serializing_if $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: this `skip_serializing_if` needs a hand-written ToJson")
    };
    (@write $w:ident, $value:expr, $key:expr; [serde(flatten $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `flatten` is read only; write this ToJson by hand")
    };
    (@write $w:ident, $value:expr, $key:expr; [serde(with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `with` needs a hand-written ToJson")
    };
    (@write $w:ident, $value:expr, $key:expr; [serde(serialize_with $($rest:tt)*)] $($more:tt)*) => {
        ::core::compile_error!("wire_type!: `serialize_with` needs a hand-written ToJson")
    };
    (@write $w:ident, $value:expr, $key:expr; [serde($skip:tt $($rest:tt)*)] $($more:tt)*) => {
        $crate::wire_type!(@write $w, $value, $key; [serde($($rest)*)] $($more)*)
    };
    (@write $w:ident, $value:expr, $key:expr; [$($other:tt)*] $($more:tt)*) => {
        $crate::wire_type!(@write $w, $value, $key; $($more)*)
    };
}
