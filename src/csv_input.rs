//! How every input CSV is read: header row handled by the caller (so its line and columns can be
//! reported), cells trimmed, ragged rows kept so that a wrong field count is reported rather than fatal.

/// A reader over `text` with the shared settings of vuoro's input files.
pub(crate) fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}
