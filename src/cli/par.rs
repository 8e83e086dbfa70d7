//! Work spread over threads with results kept in input order, for the commands that read
//! many documents or lines: output is the same whatever `-j` is.

/// The number of threads when `-j` is not given: every core.
pub(super) fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Parse a `-j`/`--jobs` value: a positive number.
pub(super) fn jobs_value(v: std::ffi::OsString) -> Result<usize, super::CliError> {
    match v.to_str().and_then(|s| s.parse::<usize>().ok()) {
        Some(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "--jobs needs a number of threads (1 or more), not '{}'",
            v.to_string_lossy()
        )
        .into()),
    }
}

/// Run `f` on each item on `jobs` threads and give the results to `sink` in input order;
/// `sink` returns `false` to stop (the output is closed). At most a few items per thread
/// are held at once, so a stream of any length runs in bounded memory. With one job
/// everything runs on this thread.
pub(super) fn ordered<I, R, F, S>(items: impl Iterator<Item = I>, jobs: usize, f: F, mut sink: S)
where
    I: Send,
    R: Send,
    F: Fn(I) -> R + Sync,
    S: FnMut(R) -> bool,
{
    use std::collections::BTreeMap;
    use std::sync::{mpsc, Arc, Mutex};
    if jobs <= 1 {
        for item in items {
            if !sink(f(item)) {
                return;
            }
        }
        return;
    }
    let window = jobs * 4;
    let f = &f;
    std::thread::scope(|scope| {
        let (task_tx, task_rx) = mpsc::channel::<(usize, I)>();
        let task_rx = Arc::new(Mutex::new(task_rx));
        let (done_tx, done_rx) = mpsc::channel::<(usize, R)>();
        for _ in 0..jobs {
            let task_rx = Arc::clone(&task_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || loop {
                let next = match task_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok((seq, item)) = next else { return };
                if done_tx.send((seq, f(item))).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);
        let mut items = items.enumerate();
        let mut held: BTreeMap<usize, R> = BTreeMap::new();
        let (mut sent, mut next) = (0, 0);
        let mut exhausted = false;
        loop {
            while !exhausted && sent - next < window {
                match items.next() {
                    Some((seq, item)) => {
                        if task_tx.send((seq, item)).is_err() {
                            exhausted = true;
                        }
                        sent += 1;
                    }
                    None => exhausted = true,
                }
            }
            if next == sent {
                break;
            }
            let Ok((seq, r)) = done_rx.recv() else { break };
            held.insert(seq, r);
            while let Some(r) = held.remove(&next) {
                next += 1;
                if !sink(r) {
                    // Let the threads finish what they hold; their results are dropped.
                    drop(task_tx);
                    return;
                }
            }
        }
        drop(task_tx);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        for jobs in [1, 2, 3, 8] {
            let mut got = Vec::new();
            // Later items finish first: the order must still be the input's.
            ordered(
                0..100u64,
                jobs,
                |i| {
                    std::thread::sleep(std::time::Duration::from_micros((100 - i) * 20));
                    i * i
                },
                |r| {
                    got.push(r);
                    true
                },
            );
            assert_eq!(
                got,
                (0..100u64).map(|i| i * i).collect::<Vec<_>>(),
                "jobs {jobs}"
            );
        }
    }

    #[test]
    fn a_sink_that_stops_stops_the_run() {
        let mut got = 0;
        ordered(
            0..1000,
            2,
            |i| i,
            |_| {
                got += 1;
                got < 10
            },
        );
        assert_eq!(got, 10);
    }

    #[test]
    fn jobs_must_be_a_positive_number() {
        assert_eq!(jobs_value("3".into()).ok(), Some(3));
        assert!(jobs_value("0".into()).is_err());
        assert!(jobs_value("many".into()).is_err());
    }
}
