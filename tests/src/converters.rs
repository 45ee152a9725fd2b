//! A user-defined path converter, as in Django's documentation: four-digit years.

use std::borrow::Cow;

use manouche::urls::{Converter, FromPathParam, ToUrl};

/// `<yyyy:year>`: exactly four digits.
pub struct FourDigitYear;

impl Converter for FourDigitYear {
    const REGEX: &'static str = "[0-9]{4}";
    fn matches(value: &str) -> bool {
        value.len() == 4 && value.bytes().all(|b| b.is_ascii_digit())
    }
}

impl FromPathParam<FourDigitYear> for u16 {
    fn from_path_param(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

impl ToUrl<FourDigitYear> for u16 {
    fn to_url(&self) -> Cow<'_, str> {
        Cow::Owned(format!("{self:04}"))
    }
}
