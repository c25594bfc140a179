//! Durations and shares as planners write them.
//!
//! Durations: `20s`, `3m`, `4h`, `1h30m`, `2.5m`, or plain seconds (`180`). Shares: `80%` or `0.8`.
//! A bare number above 1 is rejected as a share rather than guessed at (`80` could mean 80 % or a typo).

/// Seconds in a duration written as `1h30m`, `3m`, `20s`, `2.5m` or plain seconds.
///
/// ```
/// use vuoro::units::parse_duration;
/// assert_eq!(parse_duration("1h30m"), Ok(5400.0));
/// assert_eq!(parse_duration("2.5m"), Ok(150.0));
/// assert_eq!(parse_duration("20"), Ok(20.0));
/// assert!(parse_duration("3 parsecs").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<f64, &'static str> {
    const EXPECTED: &str = "a duration such as 20s, 3m, 1h30m or plain seconds";
    let text = text.trim();
    if text.is_empty() {
        return Err(EXPECTED);
    }
    if let Ok(seconds) = text.parse::<f64>() {
        return if seconds.is_finite() && seconds >= 0.0 {
            Ok(seconds)
        } else {
            Err(EXPECTED)
        };
    }
    let mut total = 0.0;
    let mut rest = text;
    let mut last_unit = f64::INFINITY;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or(EXPECTED)?;
        let value: f64 = rest[..number_len].parse().map_err(|_| EXPECTED)?;
        rest = rest[number_len..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let unit = match rest[..unit_len].to_ascii_lowercase().as_str() {
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            _ => return Err(EXPECTED),
        };
        // Units must shrink left to right, each once: `1h30m`, not `30m1h` or `1m1m`.
        if unit >= last_unit {
            return Err(EXPECTED);
        }
        last_unit = unit;
        total += value * unit;
        rest = rest[unit_len..].trim_start();
    }
    Ok(total)
}

/// A share written as `80%` or `0.8`, in `[0, 1]`.
///
/// ```
/// use vuoro::units::parse_share;
/// assert_eq!(parse_share("80%"), Ok(0.8));
/// assert_eq!(parse_share("0.05"), Ok(0.05));
/// assert!(parse_share("80").is_err());
/// ```
pub fn parse_share(text: &str) -> Result<f64, &'static str> {
    const EXPECTED: &str = "a share such as 80% or 0.8";
    let text = text.trim();
    let (number, scale) = match text.strip_suffix('%') {
        Some(n) => (n.trim_end(), 100.0),
        None => (text, 1.0),
    };
    let value: f64 = number.parse().map_err(|_| EXPECTED)?;
    let share = value / scale;
    if share.is_finite() && (0.0..=1.0).contains(&share) {
        Ok(share)
    } else {
        Err(EXPECTED)
    }
}

/// Seconds as a planner writes them: `20s`, `3m`, `1h30m`, `2m30s`, `12.5s`.
///
/// ```
/// use vuoro::units::format_duration;
/// assert_eq!(format_duration(5400.0), "1h30m");
/// assert_eq!(format_duration(150.0), "2m30s");
/// assert_eq!(format_duration(7.25), "7.25s");
/// ```
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "inf".to_string();
    }
    let rounded = seconds.round();
    if (seconds - rounded).abs() > 1e-9 || rounded < 1.0 {
        return format!("{}s", trim_float(seconds));
    }
    let total = rounded as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// Shortest decimal form with at most 4 decimals: `7.25`, `3`, `0.0001`.
fn trim_float(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("3m"), Ok(180.0));
        assert_eq!(parse_duration(" 1h 30m "), Ok(5400.0));
        assert_eq!(parse_duration("4H"), Ok(14400.0));
        assert_eq!(parse_duration("0"), Ok(0.0));
        assert_eq!(parse_duration("1m30s"), Ok(90.0));
        for bad in ["", "m", "-3m", "30m1h", "1m1m", "3x", "1h30", "nan", "inf"] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn shares() {
        assert_eq!(parse_share("80 %"), Ok(0.8));
        assert_eq!(parse_share("100%"), Ok(1.0));
        assert_eq!(parse_share("0"), Ok(0.0));
        for bad in ["", "80", "-5%", "101%", "x", "NaN"] {
            assert!(parse_share(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn formatting_round_trips() {
        for s in [
            1.0, 20.0, 59.0, 60.0, 61.0, 3600.0, 5400.0, 86_399.0, 0.5, 7.25,
        ] {
            assert_eq!(parse_duration(&format_duration(s)), Ok(s));
        }
    }
}
