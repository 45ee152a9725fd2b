//! Matching one route against a path: literal text and converter captures, anchored at the
//! start, and at the end for endpoints. It gives what Django's compiled regex gives
//! (greedy captures, backtracking), without a regex and without allocating.

use super::{ConverterRef, Segment};

/// Matches `segments` at the start of `path`. For an endpoint the whole path must be used;
/// for an `include()` prefix the rest is left to the included patterns. Capture `i` is
/// written to `caps[i]` as a byte range of `path`. Returns where the match ends.
pub fn match_segments(
    segments: &[Segment],
    path: &str,
    endpoint: bool,
    caps: &mut [(usize, usize)],
) -> Option<usize> {
    step(segments, path, 0, endpoint, caps, 0)
}

fn step(
    segments: &[Segment],
    path: &str,
    pos: usize,
    endpoint: bool,
    caps: &mut [(usize, usize)],
    cap: usize,
) -> Option<usize> {
    let Some((first, rest)) = segments.split_first() else {
        return (!endpoint || pos == path.len()).then_some(pos);
    };
    match first {
        Segment::Literal(lit) => path[pos..]
            .starts_with(lit)
            .then(|| step(rest, path, pos + lit.len(), endpoint, caps, cap))
            .flatten(),
        Segment::Capture { converter, .. } => {
            let limit = scan_limit(converter, path, pos);
            // A capture that cannot hold '/' and is followed by '/' (or by nothing) can only
            // end where the segment ends: shorter candidates could never match what follows.
            let segment_bound = !converter.spans_slashes
                && match rest.first() {
                    None => true,
                    Some(Segment::Literal(l)) => l.starts_with('/'),
                    Some(Segment::Capture { .. }) => false,
                };
            if segment_bound {
                if limit > pos && (converter.matches)(&path[pos..limit]) {
                    caps[cap] = (pos, limit);
                    return step(rest, path, limit, endpoint, caps, cap + 1);
                }
                return None;
            }
            // Greedy: the longest candidate first, then shorter ones (regex backtracking).
            let mut end = limit;
            while end > pos {
                if path.is_char_boundary(end) && (converter.matches)(&path[pos..end]) {
                    caps[cap] = (pos, end);
                    if let Some(done) = step(rest, path, end, endpoint, caps, cap + 1) {
                        return Some(done);
                    }
                }
                end -= 1;
            }
            None
        }
    }
}

/// The furthest a capture can reach: the next `/` unless the converter spans slashes.
fn scan_limit(converter: &ConverterRef, path: &str, pos: usize) -> usize {
    if converter.spans_slashes {
        path.len()
    } else {
        path[pos..].find('/').map_or(path.len(), |i| pos + i)
    }
}
