//! Keyword statistics over word counts: keyness (log-likelihood G² with its
//! p-value, Hardie's Log Ratio), TF-IDF and Gries' DP.
//!
//! Everything here works on frequency tables that the corpus already keeps per document
//! ([`crate::corpus::counts::Counts`]), so a statistic for a subset of documents is a merge away.
//! Formulas follow the references the corpus-linguistics tools use, so their figures can be
//! checked against AntConc's and by hand (the tests do).

use crate::corpus::counts::TermId;
use rustc_hash::{FxHashMap, FxHashSet};

/// Log-likelihood G² (Rayson & Garside 2000) of a term seen `a` times in a target of `c`
/// words and `b` times in a reference of `d` words. 0 when either corpus is empty.
pub fn log_likelihood(a: f64, b: f64, c: f64, d: f64) -> f64 {
    if c <= 0.0 || d <= 0.0 || a + b <= 0.0 {
        return 0.0;
    }
    let e1 = c * (a + b) / (c + d);
    let e2 = d * (a + b) / (c + d);
    let term = |o: f64, e: f64| if o > 0.0 { o * (o / e).ln() } else { 0.0 };
    2.0 * (term(a, e1) + term(b, e2))
}

/// The p-value of a G² statistic with one degree of freedom: P(χ²₁ ≥ g2) = erfc(√(g2/2)).
pub fn p_value(g2: f64) -> f64 {
    if g2 <= 0.0 {
        return 1.0;
    }
    erfc((g2 / 2.0).sqrt())
}

/// Complementary error function (Numerical Recipes' Chebyshev fit, |error| < 1.2e-7).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let r = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// Hardie's Log Ratio: log₂ of the ratio of relative frequencies, with 0.5 standing in for
/// a zero frequency so the effect size stays finite.
pub fn log_ratio(a: f64, b: f64, c: f64, d: f64) -> f64 {
    if c <= 0.0 || d <= 0.0 {
        return 0.0;
    }
    let a = if a == 0.0 { 0.5 } else { a };
    let b = if b == 0.0 { 0.5 } else { b };
    ((a / c) / (b / d)).log2()
}

/// Gries' DP (deviation of proportions): 0 when a term is spread over the parts exactly as
/// their sizes are, towards 1 when it sits in one small part. `parts` are (part size, the
/// term's frequency in the part).
pub fn gries_dp(parts: &[(f64, f64)]) -> f64 {
    let size: f64 = parts.iter().map(|p| p.0).sum();
    let freq: f64 = parts.iter().map(|p| p.1).sum();
    if size <= 0.0 || freq <= 0.0 {
        return 0.0;
    }
    0.5 * parts
        .iter()
        .map(|&(s, f)| (f / freq - s / size).abs())
        .sum::<f64>()
}

/// TF-IDF of a term seen `tf` times in a document of `len` words, present in `df` of `n`
/// documents: (tf / len) · ln(n / df).
pub fn tf_idf(tf: f64, len: f64, df: f64, n: f64) -> f64 {
    if len <= 0.0 || df <= 0.0 || n <= 0.0 {
        return 0.0;
    }
    tf / len * (n / df).ln()
}

/// One row of a keyness table.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The term.
    pub term: TermId,
    /// Frequency in the target.
    pub target: u64,
    /// Frequency in the reference.
    pub reference: u64,
    /// Log-likelihood G².
    pub g2: f64,
    /// Its p-value.
    pub p: f64,
    /// Log Ratio (positive: more frequent in the target).
    pub log_ratio: f64,
}

/// Keyness of every term of `target` and `reference` (word counts with their totals),
/// strongest first (by G²; positive and negative keywords are told apart by the sign of the
/// Log Ratio). Terms for which `keep` is false are left out.
pub fn keyness(
    target: &FxHashMap<TermId, u64>,
    target_total: u64,
    reference: &FxHashMap<TermId, u64>,
    reference_total: u64,
    keep: impl Fn(TermId) -> bool,
) -> Vec<Key> {
    let (c, d) = (target_total as f64, reference_total as f64);
    let terms: FxHashSet<TermId> = target
        .keys()
        .chain(reference.keys())
        .copied()
        .filter(|&t| keep(t))
        .collect();
    let mut out: Vec<Key> = terms
        .into_iter()
        .map(|term| {
            let a = target.get(&term).copied().unwrap_or(0);
            let b = reference.get(&term).copied().unwrap_or(0);
            let g2 = log_likelihood(a as f64, b as f64, c, d);
            Key {
                term,
                target: a,
                reference: b,
                g2,
                p: p_value(g2),
                log_ratio: log_ratio(a as f64, b as f64, c, d),
            }
        })
        .collect();
    out.sort_by(|x, y| y.g2.total_cmp(&x.g2).then(x.term.cmp(&y.term)));
    out
}

/// Association of a collocate with a node word (see [`collocation`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Association {
    /// Co-occurrences within the window.
    pub observed: f64,
    /// Co-occurrences expected by chance.
    pub expected: f64,
    /// Mutual information, log₂(O / E).
    pub mi: f64,
    /// t-score, (O − E) / √O.
    pub t_score: f64,
    /// logDice, 14 + log₂(2·O / (f_node + f_collocate)) (Rychlý 2008).
    pub log_dice: f64,
}

/// Association measures of a collocate seen `observed` times within a window of `span`
/// words around a node word, with frequencies `f_node` and `f_coll` in a corpus of `n`
/// words. E = f_node · f_coll · span / n (the window-size correction AntConc and Sketch
/// Engine use for MI and t-score).
pub fn collocation(observed: f64, f_node: f64, f_coll: f64, span: f64, n: f64) -> Association {
    let expected = if n > 0.0 {
        f_node * f_coll * span / n
    } else {
        0.0
    };
    let mi = if observed > 0.0 && expected > 0.0 {
        (observed / expected).log2()
    } else {
        f64::NEG_INFINITY
    };
    let t_score = if observed > 0.0 {
        (observed - expected) / observed.sqrt()
    } else {
        0.0
    };
    let log_dice = if observed > 0.0 && f_node + f_coll > 0.0 {
        14.0 + (2.0 * observed / (f_node + f_coll)).log2()
    } else {
        f64::NEG_INFINITY
    };
    Association {
        observed,
        expected,
        mi,
        t_score,
        log_dice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::words::stopwords::Stopwords;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn log_likelihood_by_hand() {
        // a=10 in c=1000, b=2 in d=1000: E1 = E2 = 6;
        // G2 = 2(10 ln(10/6) + 2 ln(2/6)) = 2(5.108256 - 2.197225) = 5.822063.
        assert!(close(
            log_likelihood(10.0, 2.0, 1000.0, 1000.0),
            5.822063,
            1e-5
        ));
        // Equal relative frequencies: no keyness.
        assert!(close(log_likelihood(5.0, 10.0, 1000.0, 2000.0), 0.0, 1e-12));
        // A zero side: only the other term counts. a=3, b=0, c=d=100: E1=1.5 → 2·3·ln 2.
        assert!(close(
            log_likelihood(3.0, 0.0, 100.0, 100.0),
            6.0 * 2f64.ln(),
            1e-12
        ));
        assert_eq!(log_likelihood(1.0, 1.0, 0.0, 10.0), 0.0);
    }

    #[test]
    fn p_values_of_chi_square_one_df() {
        // The critical values every keyness table quotes: 3.84 (p 0.05), 6.63 (0.01),
        // 10.83 (0.001), 15.13 (0.0001).
        for (g2, p) in [
            (3.841459, 0.05),
            (6.634897, 0.01),
            (10.827566, 0.001),
            (15.136705, 0.0001),
        ] {
            assert!(close(p_value(g2), p, p * 1e-3), "{g2} → {}", p_value(g2));
        }
        assert_eq!(p_value(0.0), 1.0);
    }

    #[test]
    fn log_ratio_by_hand() {
        // Twice as frequent (relative): +1; half: -1; zero reference → 0.5 stands in.
        assert!(close(log_ratio(20.0, 10.0, 1000.0, 1000.0), 1.0, 1e-12));
        assert!(close(log_ratio(10.0, 40.0, 1000.0, 2000.0), -1.0, 1e-12));
        assert!(close(log_ratio(4.0, 0.0, 100.0, 100.0), 3.0, 1e-12));
    }

    #[test]
    fn dp_by_hand() {
        // Gries (2008): parts of sizes 9, 10, 10, 10, 11 (sum 50) with frequencies
        // 1, 2, 3, 4, 5 (sum 15): DP = 0.5 · Σ|f/15 − s/50| = 0.18.
        let parts = [
            (9.0, 1.0),
            (10.0, 2.0),
            (10.0, 3.0),
            (10.0, 4.0),
            (11.0, 5.0),
        ];
        assert!(close(gries_dp(&parts), 0.18, 1e-12));
        // Evenly spread: 0. All in one of two equal parts: 0.5.
        assert!(close(gries_dp(&[(10.0, 3.0), (10.0, 3.0)]), 0.0, 1e-12));
        assert!(close(gries_dp(&[(10.0, 6.0), (10.0, 0.0)]), 0.5, 1e-12));
    }

    #[test]
    fn tf_idf_by_hand() {
        // 3 of 100 words, in 1 of 4 documents: 0.03 · ln 4.
        assert!(close(tf_idf(3.0, 100.0, 1.0, 4.0), 0.03 * 4f64.ln(), 1e-12));
        // In every document: 0.
        assert_eq!(tf_idf(3.0, 100.0, 4.0, 4.0), 0.0);
    }

    #[test]
    fn keyness_ranks_and_signs() {
        let t: FxHashMap<TermId, u64> = [(1, 10), (2, 5)].into_iter().collect();
        let r: FxHashMap<TermId, u64> = [(1, 2), (2, 5), (3, 8)].into_iter().collect();
        let k = keyness(&t, 1000, &r, 1000, |_| true);
        assert_eq!(
            k[0].term, 3,
            "absent from the target: the strongest (negative) key"
        );
        assert!(k[0].log_ratio < 0.0);
        assert_eq!(k[1].term, 1);
        assert!(close(k[1].g2, 5.822063, 1e-5) && k[1].log_ratio > 0.0);
        assert!(close(k[2].g2, 0.0, 1e-12));
        assert_eq!(keyness(&t, 1000, &r, 1000, |id| id != 3).len(), 2);
    }

    #[test]
    fn collocation_measures_by_hand() {
        // O = 8 within a span of 4 words; f_node = 20, f_coll = 50, N = 10,000:
        // E = 20·50·4/10,000 = 0.4; MI = log2(8/0.4) = log2 20 = 4.321928;
        // t = (8 − 0.4)/√8 = 2.687006; logDice = 14 + log2(16/70) = 11.870717.
        let a = collocation(8.0, 20.0, 50.0, 4.0, 10_000.0);
        assert!(close(a.expected, 0.4, 1e-12));
        assert!(close(a.mi, 20f64.log2(), 1e-12) && close(a.mi, 4.321928, 1e-6));
        assert!(close(a.t_score, 2.687006, 1e-6));
        assert!(close(a.log_dice, 11.870717, 1e-6));
        assert_eq!(collocation(0.0, 20.0, 50.0, 4.0, 10_000.0).t_score, 0.0);
    }

    #[test]
    fn builtin_stopwords() {
        let s = Stopwords::builtin();
        for w in ["của", "và", "các", "được", "trong", "tất cả", "tuy nhiên"] {
            assert!(s.contains(w), "{w}");
        }
        for w in ["đối ngoại", "ngoại giao", "đảng", "nhà nước", "hòa bình"] {
            assert!(!s.contains(w), "{w}");
        }
        assert!(s.len() > 120);
    }
}
