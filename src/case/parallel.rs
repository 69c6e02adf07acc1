//! Spreading the per-event work of loading a case (checking each line's hash, reading each
//! payload) over the machine's cores. Only that work is spread: linking the chain and
//! applying events stay in order, so results and errors are the same as one core's.

/// Fewer items than this per thread are not worth a thread's start-up.
const MIN_ITEMS_PER_THREAD: usize = 1024;

/// Applies `f` to every item (with its index) and returns the results in the items' order,
/// using more than one core when there are enough items. If a thread cannot be started, its share is done here.
/// On one core the results are made as they are taken, so none wait in a list; on more, they
/// come in one batch per thread, handed over as they are rather than copied into one list.
pub(crate) fn map_in_order<'a, T: Sync, U: Send + 'a>(
    items: &'a [T],
    f: impl Fn(usize, &T) -> U + Sync + 'a,
) -> Box<dyn Iterator<Item = U> + 'a> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return Box::new(items.iter().enumerate().map(move |(i, item)| f(i, item)));
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let batches = std::thread::scope(|scope| {
        let mut chunks = items.chunks(chunk).enumerate().map(|(k, c)| (c, k * chunk));
        let (first, _) = chunks.next().unwrap_or_default();
        let others: Vec<_> = chunks
            .map(|(c, base)| {
                let spawned =
                    std::thread::Builder::new().name("assess-load".into()).spawn_scoped(scope, move || run(c, base, f));
                spawned.map_err(|_| (c, base))
            })
            .collect();
        let mut batches = Vec::with_capacity(threads);
        batches.push(run(first, 0, f));
        for other in others {
            batches.push(match other {
                Ok(handle) => match handle.join() {
                    Ok(results) => results,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err((c, base)) => run(c, base, f),
            });
        }
        batches
    });
    Box::new(batches.into_iter().flatten())
}

/// `f` applied to each item of `chunk`, whose first item is `base` in the whole list.
fn run<T, U>(chunk: &[T], base: usize, f: &impl Fn(usize, &T) -> U) -> Vec<U> {
    chunk.iter().enumerate().map(|(i, item)| f(base + i, item)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_at_every_size() {
        for n in [0, 1, MIN_ITEMS_PER_THREAD - 1, MIN_ITEMS_PER_THREAD * 2, MIN_ITEMS_PER_THREAD * 5 + 7] {
            let items: Vec<usize> = (0..n).collect();
            let doubled: Vec<(usize, usize)> = map_in_order(&items, |at, i| (at, i * 2)).collect();
            assert_eq!(doubled, items.iter().map(|&i| (i, i * 2)).collect::<Vec<_>>(), "{n} items");
        }
    }
}
