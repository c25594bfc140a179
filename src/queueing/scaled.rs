//! Non-negative reals with an extended binary exponent.
//!
//! Queueing sums such as `1/B(n, a)` or the Erlang-A waiting mass grow like `n!/a^n` or `e^(y - x)` and
//! leave the `f64` range long before 100 000 agents. Keeping `value = mantissa · 2^exponent` with an
//! exact power-of-two rescale (no rounding) lets the recursions run unchanged at any size; only the final
//! ratios, which are probabilities, are turned back into `f64`.

/// Rescale when a mantissa passes `2^RESCALE_BITS`; multiplying by a power of two is exact.
const RESCALE_BITS: i32 = 600;
const RESCALE_LIMIT: f64 = f64::from_bits(((1023 + RESCALE_BITS) as u64) << 52); // 2^600
const RESCALE_FACTOR: f64 = f64::from_bits(((1023 - RESCALE_BITS) as u64) << 52); // 2^-600
/// ln 2 split so that `k · LN2_HI` is exact for the exponents met here (fdlibm's Cody–Waite constants).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `mantissa · 2^exponent`, with `mantissa >= 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Scaled {
    mantissa: f64,
    exponent: i32,
}

/// `2^e` for any `e`, saturating to 0 or infinity like `ldexp`.
fn pow2(e: i32) -> f64 {
    if e > 1023 {
        f64::INFINITY
    } else if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else if e >= -1074 {
        f64::from_bits(1u64 << (e + 1074))
    } else {
        0.0
    }
}

/// `x · 2^e` without intermediate overflow or underflow where the result is representable.
fn ldexp(x: f64, e: i32) -> f64 {
    let mut x = x;
    let mut e = e;
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    x * pow2(e)
}

impl Scaled {
    pub(crate) fn new(value: f64) -> Scaled {
        Scaled {
            mantissa: value,
            exponent: 0,
        }
    }

    /// `e^x` for any finite `x`, exactly split into `2^k · e^(x - k ln 2)`.
    pub(crate) fn exp(x: f64) -> Scaled {
        let k = (x / std::f64::consts::LN_2).floor();
        // `k` can exceed i32 only for absurd inputs; clamp keeps the value saturating.
        let k = k.clamp(-2.0e9, 2.0e9);
        Scaled {
            mantissa: ((x - k * LN2_HI) - k * LN2_LO).exp(),
            exponent: k as i32,
        }
    }

    /// The raw mantissa and exponent (tests compare recursions bit for bit).
    #[cfg(test)]
    pub(crate) fn parts(self) -> (f64, i32) {
        (self.mantissa, self.exponent)
    }

    pub(crate) fn from_parts(mantissa: f64, exponent: i32) -> Scaled {
        Scaled { mantissa, exponent }
    }

    /// If `mantissa` has grown past the rescale limit, divide it by `2^600` and return the exponent step.
    #[inline]
    pub(crate) fn rescale_step(mantissa: f64) -> Option<(f64, i32)> {
        if mantissa > RESCALE_LIMIT {
            Some((RESCALE_FACTOR, RESCALE_BITS))
        } else {
            None
        }
    }

    pub(crate) fn mul(self, other: Scaled) -> Scaled {
        Scaled {
            mantissa: self.mantissa * other.mantissa,
            exponent: self.exponent.saturating_add(other.exponent),
        }
        .normalized()
    }

    pub(crate) fn mul_f64(self, factor: f64) -> Scaled {
        Scaled {
            mantissa: self.mantissa * factor,
            exponent: self.exponent,
        }
        .normalized()
    }

    pub(crate) fn add(self, other: Scaled) -> Scaled {
        if self.mantissa == 0.0 {
            return other;
        }
        if other.mantissa == 0.0 {
            return self;
        }
        let exponent = self.exponent.max(other.exponent);
        Scaled {
            mantissa: ldexp(self.mantissa, self.exponent - exponent)
                + ldexp(other.mantissa, other.exponent - exponent),
            exponent,
        }
        .normalized()
    }

    /// `self / other` as an ordinary number (the callers' ratios are probabilities or times).
    pub(crate) fn ratio(self, other: Scaled) -> f64 {
        if self.mantissa == 0.0 {
            return 0.0;
        }
        ldexp(
            self.mantissa / other.mantissa,
            self.exponent - other.exponent,
        )
    }

    #[cfg(test)]
    pub(crate) fn to_f64(self) -> f64 {
        ldexp(self.mantissa, self.exponent)
    }

    /// Keeps the mantissa in a comfortable range so later products cannot overflow.
    fn normalized(self) -> Scaled {
        if self.mantissa == 0.0 || !self.mantissa.is_finite() {
            return self;
        }
        let (m, e) = frexp(self.mantissa);
        Scaled {
            mantissa: m,
            exponent: self.exponent.saturating_add(e),
        }
    }
}

/// Splits a positive finite `x` into `m · 2^e` with `m` in `[0.5, 1)`.
fn frexp(x: f64) -> (f64, i32) {
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7ff) as i32;
    if raw_exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(x * pow2(64));
        return (m, e - 64);
    }
    let e = raw_exp - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-15 * a.abs().max(b.abs())
    }

    #[test]
    fn constants_are_powers_of_two() {
        assert_eq!(RESCALE_LIMIT.to_bits(), pow2(600).to_bits());
        assert_eq!(RESCALE_FACTOR.to_bits(), pow2(-600).to_bits());
    }

    #[test]
    fn exp_matches_std_in_range_and_extends_past_it() {
        for x in [-700.0, -3.5, 0.0, 1.0, 42.0, 700.0] {
            assert!(close(Scaled::exp(x).to_f64(), f64::exp(x)), "{x}");
        }
        // e^2000 / e^1990 = e^10, far outside f64 on both sides of the division.
        let r = Scaled::exp(2000.0).ratio(Scaled::exp(1990.0));
        assert!((r / 10f64.exp() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn add_aligns_exponents() {
        let big = Scaled::exp(1000.0);
        let sum = big.add(big);
        assert!((sum.ratio(big) - 2.0).abs() < 1e-15);
        let tiny = Scaled::new(1.0);
        assert!(close(big.add(tiny).ratio(big), 1.0));
        assert!(close(Scaled::new(3.0).add(Scaled::new(4.0)).to_f64(), 7.0));
    }

    #[test]
    fn frexp_round_trips() {
        for x in [1.0, 0.75, 3.0e300, 5.0e-320, 123.456] {
            let (m, e) = frexp(x);
            assert!((0.5..1.0).contains(&m));
            assert_eq!(ldexp(m, e).to_bits(), x.to_bits());
        }
    }
}
