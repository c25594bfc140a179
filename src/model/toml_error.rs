//! Turns the TOML reader's structural errors (a value of the wrong type, a missing key) into the house style
//! `key: expected …, found …`, naming the key from its position in the file.

/// The message for a reader error at byte `offset`: serde's wording translated, others unchanged.
pub(crate) fn translate(text: &str, offset: usize, message: &str) -> String {
    if let Some(rest) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
    {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            let key = key_at(text, offset, None);
            return format!("{key}: expected {}, found {}", kind(expected), value(found));
        }
    }
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        let key = key_at(text, offset, Some(field));
        return format!("{key}: expected {}, found none", required(field));
    }
    if let Some((field, expected)) = unknown_key(message) {
        return format!("{field}: unknown key (a typo?), expected one of {expected}");
    }
    message.to_string()
}

/// serde's "unknown field `x`, expected one of `a`, `b`" as (x, "a, b").
fn unknown_key(message: &str) -> Option<(String, String)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (field, expected) = rest.split_once("`, expected ")?;
    let expected = expected.trim_start_matches("one of ").replace('`', "");
    Some((field.to_string(), expected))
}

/// What a type name of serde means in the file's words.
fn kind(expected: &str) -> &str {
    match expected {
        "a string" => "text in quotes",
        "a boolean" => "true or false",
        "a sequence" => "an array such as [\"a\", \"b\"]",
        "f32" | "f64" => "a number",
        e if e.starts_with('i') || e.starts_with('u') => "a whole number",
        e if e.starts_with("struct") || e == "a map" => "a table",
        e => e,
    }
}

/// A found value as the file writes it.
fn value(found: &str) -> String {
    let quoted = |s: &str| s.trim_matches(|c| c == '`' || c == '"').to_string();
    match found.split_once(' ') {
        Some(("string", s)) => format!("'{}'", quoted(s)),
        Some(("integer" | "boolean", s)) => quoted(s),
        Some(("floating", s)) => quoted(s.trim_start_matches("point ")),
        _ if found == "sequence" => "an array".to_string(),
        _ if found == "map" => "a table".to_string(),
        _ => found.to_string(),
    }
}

/// What a required key holds, for the message when it is missing.
fn required(field: &str) -> &'static str {
    match field {
        "planning" => "a [planning] table with time_zone and interval",
        "time_zone" => "an IANA time zone such as \"Europe/Helsinki\"",
        "interval" => "15m, 30m or 60m",
        "kind" => "\"immediate\" or \"deferred\"",
        "aht" | "length" => "a positive duration such as \"3m\"",
        "start" => "a start range such as \"07:00-12:00\"",
        "window" => "a window of start offsets such as \"3h30m-5h\"",
        "name" => "a name in quotes",
        _ => "a value",
    }
}

/// The key whose value starts at `offset` (or, with `missing`, the key missing from the table starting
/// there), named as the checker names it: `channel 'voice': target.service_level`, `rules.min_rest`.
fn key_at(text: &str, offset: usize, missing: Option<&str>) -> String {
    let offset = offset.min(text.len());
    let mut scan = Scan::default();
    scan.run(&text[..offset]);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    if scan.stack.is_empty()
        && text[offset..].starts_with('[')
        && text[line_start..offset].trim().is_empty()
    {
        scan.header = header(text[offset..].lines().next().unwrap_or(""));
        scan.section = offset;
        scan.key = None;
    }
    if text[offset..].starts_with('{') {
        scan.stack.push((String::new(), None));
    }
    let mut inner = scan.path();
    inner.extend(scan.key.clone());
    inner.extend(missing.map(str::to_string));
    match scan.header.as_slice() {
        [table] if table == "channel" || table == "shift" => {
            match section_name(&text[scan.section..]) {
                Some(name) => format!("{table} '{name}': {}", inner.join(".")),
                None => [vec![table.clone()], inner].concat().join("."),
            }
        }
        _ => [scan.header.clone(), inner].concat().join("."),
    }
}

/// The dotted name of a table header line: `[[channel]]` → `channel`, `[rules.penalties]`.
fn header(line: &str) -> Vec<String> {
    let name = line.split('#').next().unwrap_or("");
    let name = name.trim().trim_matches(|c| c == '[' || c == ']').trim();
    name.split('.')
        .map(|p| p.trim().trim_matches('"').to_string())
        .collect()
}

/// The `name = "…"` of the table starting at the beginning of `section`, if written on its own line.
fn section_name(section: &str) -> Option<String> {
    section
        .lines()
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            let v = l
                .trim()
                .strip_prefix("name")?
                .trim_start()
                .strip_prefix('=')?;
            Some(v.trim().trim_matches('"').to_string())
        })
}

/// Where a forward reading of the file stands: the table header, the keys of the inline tables and arrays
/// still open, and the key whose value comes next.
#[derive(Default)]
struct Scan {
    header: Vec<String>,
    section: usize,
    /// Open inline tables and arrays: the key they belong to, and for an array the element reached.
    stack: Vec<(String, Option<usize>)>,
    key: Option<String>,
    token: String,
}

impl Scan {
    /// The keys of the open inline tables and arrays; an array element that is a table gets its index,
    /// as in `breaks[0].window`.
    fn path(&self) -> Vec<String> {
        let mut path: Vec<String> = Vec::new();
        for (depth, (key, index)) in self.stack.iter().enumerate() {
            let nested = depth + 1 < self.stack.len();
            match (index, path.last_mut()) {
                (Some(i), _) if nested => path.push(format!("{key}[{i}]")),
                _ if key.is_empty() => {}
                _ => path.push(key.clone()),
            }
        }
        path.retain(|k| !k.is_empty());
        path
    }

    /// Reads `text` (the file up to the error) token by token, skipping comments and strings.
    fn run(&mut self, text: &str) {
        let mut chars = text.char_indices().peekable();
        while let Some((i, ch)) = chars.next() {
            match ch {
                '#' => while chars.next_if(|&(_, c)| c != '\n').is_some() {},
                '"' | '\'' => {
                    self.token.clear();
                    let mut escaped = false;
                    for (_, c) in chars.by_ref() {
                        match c {
                            _ if escaped => escaped = false,
                            '\\' if ch == '"' => escaped = true,
                            c if c == ch => break,
                            c => self.token.push(c),
                        }
                    }
                }
                '[' if self.stack.is_empty() && self.key.is_none() => {
                    let line = text[i..].lines().next().unwrap_or("");
                    (self.header, self.section) = (header(line), i);
                    while chars.next_if(|&(_, c)| c != '\n').is_some() {}
                }
                '[' => self
                    .stack
                    .push((self.key.take().unwrap_or_default(), Some(0))),
                '{' => self.stack.push((self.key.take().unwrap_or_default(), None)),
                ']' | '}' => {
                    self.stack.pop();
                    self.key = None;
                }
                '=' => self.key = Some(std::mem::take(&mut self.token).trim().to_string()),
                ',' => {
                    self.key = None;
                    self.token.clear();
                    if let Some((_, Some(n))) = self.stack.last_mut() {
                        *n += 1;
                    }
                }
                '\n' if self.stack.is_empty() => {
                    self.key = None;
                    self.token.clear();
                }
                c if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' => self.token.push(c),
                c if c.is_whitespace() => {}
                _ => self.token.clear(),
            }
        }
    }
}
