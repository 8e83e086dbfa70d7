//! Chart geometry: where the words of a cloud and the nodes of a network go, and round
//! numbers for an axis.
//!
//! Pure arithmetic, so the page's SVG charts are drawn from tested numbers; the page only
//! turns these into elements.

use crate::query::entities::{NetEdge, NetNode};

/// A word placed in a cloud: its baseline centre and font size, in SVG user units.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The word.
    pub text: String,
    /// Its frequency.
    pub count: u64,
    /// Centre of the word.
    pub x: f64,
    /// Baseline.
    pub y: f64,
    /// Font size.
    pub size: f64,
    /// Rank, from 0 (the most frequent).
    pub rank: usize,
}

/// Rough width of `text` at `size`: Vietnamese letters with their marks average a little
/// over half an em.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.56
}

/// Lay `words` (most frequent first) out as a cloud `width` wide: font size by the square
/// root of frequency between `min` and `max`, rows filled in order and centred, the most
/// frequent row in the middle. Returns the words and the height used.
pub fn cloud(words: &[(String, u64)], width: f64, min: f64, max: f64) -> (Vec<Placed>, f64) {
    let top = words.iter().map(|w| w.1).max().unwrap_or(1).max(1) as f64;
    let gap = 10.0;
    // Fill rows greedily.
    let mut rows: Vec<Vec<(usize, f64, f64)>> = Vec::new();
    let mut used = f64::INFINITY;
    for (rank, (text, count)) in words.iter().enumerate() {
        let size = min + (max - min) * (*count as f64 / top).sqrt();
        let w = text_width(text, size).min(width);
        if used + gap + w > width || rows.is_empty() {
            rows.push(Vec::new());
            used = -gap;
        }
        if let Some(r) = rows.last_mut() {
            r.push((rank, size, w));
        }
        used += gap + w;
    }
    // Order rows big, then alternately below and above, so the cloud is densest inside.
    let mut order: Vec<usize> = Vec::with_capacity(rows.len());
    for i in 0..rows.len() {
        if i % 2 == 0 {
            order.push(i);
        } else {
            order.insert(0, i);
        }
    }
    let mut out = Vec::with_capacity(words.len());
    let mut y = 0.0;
    for &ri in &order {
        let row = &rows[ri];
        let height = row.iter().map(|r| r.1).fold(0.0, f64::max) * 1.15;
        y += height;
        let total: f64 = row.iter().map(|r| r.2).sum::<f64>() + gap * (row.len() as f64 - 1.0);
        let mut x = (width - total) / 2.0;
        for &(rank, size, w) in row {
            out.push(Placed {
                text: words[rank].0.clone(),
                count: words[rank].1,
                x: x + w / 2.0,
                y: y - height * 0.2,
                size,
                rank,
            });
            x += w + gap;
        }
    }
    out.sort_by_key(|p| p.rank);
    (out, y + 4.0)
}

/// Round tick values from 0 to at least `max`: about `n` of them, at 1, 2 or 5 × 10^k.
pub fn ticks(max: f64, n: usize) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) || n == 0 {
        return vec![0.0, 1.0];
    }
    let raw = max / n as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * mag);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> Vec<(String, u64)> {
        (0..n)
            .map(|i| (format!("từ số {i}"), (100 / (i + 1)) as u64))
            .collect()
    }

    #[test]
    fn cloud_words_fit_and_do_not_overlap() {
        let w = words(40);
        let (placed, height) = cloud(&w, 600.0, 12.0, 40.0);
        assert_eq!(placed.len(), 40);
        assert!(height > 0.0);
        for (i, p) in placed.iter().enumerate() {
            assert_eq!(p.rank, i);
            let half = text_width(&p.text, p.size) / 2.0;
            assert!(p.x - half >= -0.01 && p.x + half <= 600.01, "{p:?}");
            assert!(p.y > 0.0 && p.y <= height);
            for q in &placed[i + 1..] {
                let same_row = (p.y - q.y).abs() < 1e-9;
                if same_row {
                    let qh = text_width(&q.text, q.size) / 2.0;
                    assert!(p.x + half <= q.x - qh + 0.01 || q.x + qh <= p.x - half + 0.01);
                }
            }
        }
        // Bigger for more frequent; the most frequent is the biggest.
        assert!(placed[0].size > placed[39].size);
        assert!((placed[0].size - 40.0).abs() < 1e-9);
        assert!(cloud(&[], 600.0, 12.0, 40.0).0.is_empty());
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(97.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(ticks(4.2, 4), [0.0, 2.0, 4.0, 6.0]);
        assert_eq!(ticks(0.0, 4), [0.0, 1.0]);
        let t = ticks(0.037, 4);
        assert!(t.last().unwrap() >= &0.037 && t.len() <= 6);
    }
}

/// Positions of `n` nodes linked by `edges` (a, b, weight) in a `w` × `h` box: a
/// force-directed layout (Fruchterman–Reingold) started from a circle, so it is the same
/// for the same graph. Linked nodes pull together, all nodes push apart, and the strongest
/// pulls are damped so one heavy pair does not collapse.
/// The network's box on the page.
pub const NETWORK_BOX: (f64, f64) = (640.0, 420.0);

/// Place the network's nodes in [`NETWORK_BOX`] by a force-directed layout, sized by
/// mentions (area proportional to the count, relative to the most named).
pub fn place_network(nodes: &mut [NetNode], edges: &[NetEdge]) {
    let links: Vec<(usize, usize, f64)> =
        edges.iter().map(|e| (e.a, e.b, e.weight as f64)).collect();
    let (w, h) = NETWORK_BOX;
    let pos = force_layout(nodes.len(), &links, w, h);
    let top = nodes.iter().map(|n| n.mentions).max().unwrap_or(1).max(1) as f64;
    for (n, (x, y)) in nodes.iter_mut().zip(pos) {
        n.x = x;
        n.y = y;
        n.r = 5.0 + 13.0 * (n.mentions as f64 / top).sqrt();
    }
}

/// Force-directed positions of `n` nodes in a `w` × `h` box.
pub fn force_layout(n: usize, edges: &[(usize, usize, f64)], w: f64, h: f64) -> Vec<(f64, f64)> {
    let (cx, cy) = (w / 2.0, h / 2.0);
    let margin = 40.0;
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(cx, cy)];
    }
    let radius = (w.min(h) / 2.0 - margin).max(1.0);
    let mut p: Vec<(f64, f64)> = (0..n)
        .map(|i| {
            let a = i as f64 / n as f64 * std::f64::consts::TAU;
            (cx + radius * a.cos(), cy + radius * a.sin())
        })
        .collect();
    let k = ((w - 2.0 * margin) * (h - 2.0 * margin) / n as f64).sqrt() * 0.8;
    let top = edges.iter().map(|e| e.2).fold(1.0f64, f64::max);
    let mut temp = w.min(h) / 8.0;
    let mut d = vec![(0.0f64, 0.0f64); n];
    for _ in 0..200 {
        d.iter_mut().for_each(|v| *v = (0.0, 0.0));
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (p[i].0 - p[j].0, p[i].1 - p[j].1);
                let dist = (dx * dx + dy * dy).sqrt().max(0.01);
                let f = k * k / dist;
                let (fx, fy) = (dx / dist * f, dy / dist * f);
                d[i].0 += fx;
                d[i].1 += fy;
                d[j].0 -= fx;
                d[j].1 -= fy;
            }
        }
        for &(a, b, wt) in edges {
            if a >= n || b >= n || a == b {
                continue;
            }
            let (dx, dy) = (p[a].0 - p[b].0, p[a].1 - p[b].1);
            let dist = (dx * dx + dy * dy).sqrt().max(0.01);
            let f = dist * dist / k * (0.3 + 0.7 * (wt / top).sqrt());
            let (fx, fy) = (dx / dist * f, dy / dist * f);
            d[a].0 -= fx;
            d[a].1 -= fy;
            d[b].0 += fx;
            d[b].1 += fy;
        }
        for i in 0..n {
            // A weak pull to the centre keeps unlinked nodes in the box.
            d[i].0 += (cx - p[i].0) * 0.05 * k / radius;
            d[i].1 += (cy - p[i].1) * 0.05 * k / radius;
            let len = (d[i].0 * d[i].0 + d[i].1 * d[i].1).sqrt().max(0.01);
            let step = len.min(temp);
            p[i].0 = (p[i].0 + d[i].0 / len * step).clamp(margin, w - margin);
            p[i].1 = (p[i].1 + d[i].1 / len * step).clamp(margin, h - margin);
        }
        temp = (temp * 0.97).max(0.5);
    }
    p
}

#[cfg(test)]
mod layout_tests {
    use super::force_layout;

    #[test]
    fn linked_nodes_end_closer_than_unlinked_and_stay_inside() {
        // Two triangles joined by nothing.
        let edges = [
            (0, 1, 5.0),
            (1, 2, 5.0),
            (0, 2, 5.0),
            (3, 4, 5.0),
            (4, 5, 5.0),
            (3, 5, 5.0),
        ];
        let p = force_layout(6, &edges, 640.0, 420.0);
        let dist =
            |a: usize, b: usize| ((p[a].0 - p[b].0).powi(2) + (p[a].1 - p[b].1).powi(2)).sqrt();
        let inside = (dist(0, 1) + dist(1, 2) + dist(3, 4)) / 3.0;
        let across = (dist(0, 3) + dist(1, 4) + dist(2, 5)) / 3.0;
        assert!(inside < across, "{inside} vs {across}");
        assert!(p
            .iter()
            .all(|&(x, y)| (40.0..=600.0).contains(&x) && (40.0..=380.0).contains(&y)));
        assert_eq!(p, force_layout(6, &edges, 640.0, 420.0));
        assert!(force_layout(0, &[], 10.0, 10.0).is_empty());
    }
}
