#!/usr/bin/env python3
"""Independent high-precision reference values for vuoro's queueing core.

Writes tests/data/erlang_reference.csv (KPIs at a staffing) and tests/data/staffing_reference.csv
(minimum staffing for targets). The Rust tests compare against both at 1e-9 relative accuracy.

Independence: nothing here shares code or numerics with src/queueing. Everything is computed with
mpmath at 80 significant digits (arbitrary exponent range, so no scaling tricks are needed):

* Erlang B from the upper incomplete gamma function, B(n, a) = a^n e^-a / Gamma(n+1, a).
* Erlang C from B by the textbook relation C = n B / (n - a (1 - B)).
* Erlang A (M/M/n+M) from Mandelbaum & Zeltyn's incomplete-gamma representation: with x = n mu/theta,
  y = lambda/theta, u = e^(-theta t), the waiting mass is A = x e^y y^-x gamma(x, y), P(V > t, wait) uses
  gamma(x, y u), answered-after-waiting uses gamma(x+1, .), and E[V e^(-theta V)] is the x-derivative of
  gamma(x+1, y) y^-(x+1) (numerical differentiation at high precision). The answered/abandoned splits
  are formed as differences, which is harmless at 40 digits.
* A brute-force cross-check of those Erlang-A formulas on small systems (`--self-check`): the chain's
  stationary probabilities by products of birth/death rates, each waiting caller's virtual wait as an
  explicit hypoexponential (partial fractions at 120 digits), summed state by state.

Run: python3 tools/erlang_reference.py [--self-check]   (needs `pip install mpmath`)
"""
import csv
import math
import random
import sys

import mpmath as mp

mp.mp.dps = 80


def erlang_b(n, a):
    if n == 0:
        return mp.mpf(1)
    return mp.exp(n * mp.log(a) - a - mp.log(mp.gammainc(n + 1, a)))


def erlang_c_kpis(n, lam, aht, t):
    a = lam * aht
    if a >= n:
        return None
    b = erlang_b(n, a)
    c = n * b / (n - a * (1 - b))
    sl = 1 - c * mp.exp(-(n - a) * t / aht)
    asa = c * aht / (n - a)
    return dict(p_wait=c, p_abandon=mp.mpf(0), sl_offered=sl, sl_answered=sl, sl_excl_abandon_within=sl,
                sl_wait_within=sl, sl_virtual=sl, asa_answered_s=asa, asa_all_s=asa, occupancy=a / n)


def lower_gamma(s, z):
    return mp.gammainc(s, 0, z)


def erlang_a_kpis(n, lam, aht, patience, t):
    mu, theta = 1 / aht, 1 / patience
    a = lam * aht
    x, y = n * mu / theta, lam / theta
    u = mp.exp(-theta * t)
    n0 = 1 / erlang_b(n, a) - 1
    scale = x * mp.exp(y)
    waiting = scale * y ** (-x) * lower_gamma(x, y)
    d = n0 + waiting
    served_wait = scale * y ** (-(x + 1)) * lower_gamma(x + 1, y)
    p_wait = waiting / d
    p_ab = (waiting - served_wait) / d
    p_served = (n0 + served_wait) / d
    late = scale * y ** (-x) * lower_gamma(x, y * u) / d
    served_late = scale * y ** (-(x + 1)) * lower_gamma(x + 1, y * u) / d
    ab_after = u * late - served_late
    answered_within = p_served - served_late
    ab_within = p_ab - ab_after
    f = lambda xx: y ** (-(xx + 1)) * lower_gamma(xx + 1, y)
    v_served = -scale / theta * mp.diff(f, x) / d  # E[V e^{-theta V}; wait]
    return dict(p_wait=p_wait, p_abandon=p_ab, sl_offered=answered_within, sl_answered=answered_within / p_served,
                sl_excl_abandon_within=answered_within / (1 - ab_within), sl_wait_within=1 - u * late,
                sl_virtual=1 - late, asa_answered_s=v_served / p_served, asa_all_s=p_ab * patience,
                occupancy=a * p_served / n)


def brute_force_erlang_a(n, lam, aht, patience, t, jmax=160):
    """State-by-state sum with explicit hypoexponential waits; small systems only."""
    with mp.workdps(120):
        mu, theta = 1 / mp.mpf(aht), 1 / mp.mpf(patience)
        lam, t = mp.mpf(lam), mp.mpf(t)
        pi = [mp.mpf(1)]
        for k in range(1, n + jmax + 1):
            death = min(k, n) * mu + max(k - n, 0) * theta
            pi.append(pi[-1] * lam / death)
        total = sum(pi)
        no_wait = sum(pi[:n]) / total
        acc = dict(wait=0, ab=0, late=0, served_late=0, served_within=0, ab_within=0, v_served=0)
        for j in range(jmax):
            p = pi[n + j] / total
            rates = [n * mu + i * theta for i in range(j + 1)]
            w = []
            for i, ci in enumerate(rates):
                prod = mp.mpf(1)
                for k, ck in enumerate(rates):
                    if k != i:
                        prod *= ck / (ck - ci)
                w.append(prod)
            surv = sum(wi * mp.exp(-ci * t) for wi, ci in zip(w, rates))
            served = sum(wi * ci / (ci + theta) for wi, ci in zip(w, rates))
            served_within = sum(wi * ci * (1 - mp.exp(-(ci + theta) * t)) / (ci + theta) for wi, ci in zip(w, rates))
            ab_within = sum(wi * theta * (1 - mp.exp(-(ci + theta) * t)) / (ci + theta) for wi, ci in zip(w, rates))
            v_served = sum(wi * ci / (ci + theta) ** 2 for wi, ci in zip(w, rates))
            acc['wait'] += p
            acc['ab'] += p * (1 - served)
            acc['late'] += p * surv
            acc['served_within'] += p * served_within
            acc['ab_within'] += p * ab_within
            acc['v_served'] += p * v_served
        p_served = no_wait + acc['wait'] - acc['ab']
        answered_within = no_wait + acc['served_within']
        u = mp.exp(-theta * t)
        return dict(p_wait=acc['wait'], p_abandon=acc['ab'], sl_offered=answered_within,
                    sl_answered=answered_within / p_served,
                    sl_excl_abandon_within=answered_within / (1 - acc['ab_within']),
                    sl_wait_within=1 - u * acc['late'], sl_virtual=1 - acc['late'],
                    asa_answered_s=acc['v_served'] / p_served, asa_all_s=acc['ab'] * patience,
                    occupancy=lam * aht * p_served / n)


COLUMNS = ['p_wait', 'p_abandon', 'sl_offered', 'sl_answered', 'sl_excl_abandon_within', 'sl_wait_within',
           'sl_virtual', 'asa_answered_s', 'asa_all_s', 'occupancy']


def self_check():
    worst = 0
    for (n, lam, aht, pat, t) in [(3, 1 / 60, 120.0, 90.0, 20.0), (5, 0.05, 90.0, 300.0, 30.0),
                                  (8, 0.1, 60.0, 45.0, 10.0), (2, 0.05, 100.0, 20.0, 15.0),
                                  (10, 0.06, 180.0, 600.0, 60.0)]:
        want = brute_force_erlang_a(n, lam, aht, pat, t)
        got = erlang_a_kpis(n, mp.mpf(lam), mp.mpf(aht), mp.mpf(pat), mp.mpf(t))
        for c in COLUMNS:
            err = abs(got[c] - want[c]) / abs(want[c])
            worst = max(worst, err)
            assert err < 1e-20, (n, c, got[c], want[c])
    print(f'self-check: incomplete-gamma formulas match brute force, worst relative error {mp.nstr(worst, 3)}')


def fmt(x):
    if x is None:
        return ''
    if x == mp.inf:
        return 'inf'
    return mp.nstr(x, 25, min_fixed=-mp.inf, max_fixed=mp.inf) if abs(x) > 1e-300 or x == 0 else '0'


def kpi_cases(rng):
    cases = []
    loads = [10 ** rng.uniform(-1, 5) for _ in range(1300)] + [10, 100, 1000, 10000, 100000] * 4
    for i, a in enumerate(loads):
        aht = rng.choice([30.0, 60.0, 180.0, 240.0, 420.0, 900.0])
        interval = rng.choice([900.0, 1800.0, 3600.0])
        volume = float(f'{a * interval / aht:.6g}')
        a = volume / interval * aht
        beta = rng.uniform(-1.5, 3.0)
        n = max(1, int(round(a + beta * math.sqrt(a))))
        if n > 100000 + 2000:
            n = 100000
        t = rng.choice([0.0, 10.0, 20.0, 30.0, 60.0, 120.0])
        patience = None if i % 2 == 0 else rng.choice([15.0, 60.0, 120.0, 180.0, 600.0, 3600.0])
        if patience is None and n <= a:
            n = int(a) + 1
        cases.append((volume, interval, aht, patience, n, t))
    return cases


def main():
    if '--self-check' in sys.argv:
        self_check()
    rng = random.Random(20261122)
    rows = []
    skipped = 0
    for volume, interval, aht, patience, n, t in kpi_cases(rng):
        lam = mp.mpf(volume) / mp.mpf(interval)
        try:
            if patience is None:
                k = erlang_c_kpis(n, lam, mp.mpf(aht), mp.mpf(t))
            else:
                k = erlang_a_kpis(n, lam, mp.mpf(aht), mp.mpf(patience), mp.mpf(t))
        except (mp.libmp.NoConvergence, ValueError):
            # mpmath's incomplete gamma gives up on a few very large, near-critical arguments.
            skipped += 1
            continue
        rows.append([repr(volume), repr(interval), repr(aht), '' if patience is None else repr(patience), n,
                     repr(t)] + [fmt(k[c]) for c in COLUMNS])
    with open('tests/data/erlang_reference.csv', 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['volume', 'interval_s', 'aht_s', 'patience_s', 'agents', 'threshold_s'] + COLUMNS)
        w.writerows(rows)
    print(f'wrote {len(rows)} KPI cases ({skipped} skipped: mpmath did not converge)')

    # Minimum staffing: exponential search + bisection on the mpmath figures, then n-1 checked to fail.
    staff_rows = []
    conventions = ['offered', 'answered', 'excl_abandon_within', 'wait_within', 'virtual']
    for i in range(400):
        a = 10 ** rng.uniform(-0.5, 5) if i % 6 else [10, 100, 1000, 10000, 100000, 50][i // 6 % 6]
        aht = rng.choice([60.0, 180.0, 300.0])
        interval = 1800.0
        volume = float(f'{a * interval / aht:.6g}')
        lam = mp.mpf(volume) / mp.mpf(interval)
        a = volume / interval * aht
        patience = None if i % 3 == 0 else rng.choice([30.0, 120.0, 300.0, 900.0])
        t = rng.choice([10.0, 20.0, 30.0, 60.0])
        target_sl = rng.choice([None, 0.6, 0.8, 0.9, 0.95])
        conv = rng.choice(conventions) if patience else 'offered'
        target_asa = rng.choice([None, None, 5.0, 15.0, 30.0])
        max_ab = rng.choice([None, 0.02, 0.05]) if patience else None
        max_occ = rng.choice([None, None, 0.85, 0.9])
        if target_sl is None and target_asa is None and max_ab is None:
            target_sl = 0.8

        def meets(n):
            k = (erlang_c_kpis(n, lam, mp.mpf(aht), mp.mpf(t)) if patience is None
                 else erlang_a_kpis(n, lam, mp.mpf(aht), mp.mpf(patience), mp.mpf(t)))
            if k is None:
                return False
            ok = True
            if target_sl is not None:
                ok &= k['sl_' + conv] >= target_sl
            if target_asa is not None:
                ok &= k['asa_answered_s'] <= target_asa
            if max_ab is not None:
                ok &= k['p_abandon'] <= max_ab
            if max_occ is not None:
                ok &= k['occupancy'] <= max_occ
            return ok

        lo = 0 if patience else int(a)
        hi = max(lo + 1, int(a) + 1)
        step = 1
        try:
            while not meets(hi):
                lo, hi, step = hi, hi + step, step * 2
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if meets(mid):
                    hi = mid
                else:
                    lo = mid
        except (mp.libmp.NoConvergence, ValueError):
            continue
        staff_rows.append([repr(volume), repr(interval), repr(aht), '' if patience is None else repr(patience),
                           repr(t), '' if target_sl is None else repr(target_sl), conv,
                           '' if target_asa is None else repr(target_asa), '' if max_ab is None else repr(max_ab),
                           '' if max_occ is None else repr(max_occ), hi])
    with open('tests/data/staffing_reference.csv', 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['volume', 'interval_s', 'aht_s', 'patience_s', 'threshold_s', 'target_sl', 'sl_convention',
                    'target_asa_s', 'max_abandon', 'max_occupancy', 'agents'])
        w.writerows(staff_rows)
    print(f'wrote {len(staff_rows)} staffing cases')


if __name__ == '__main__':
    main()
