//! Spreading the per-event work of loading a case (checking each line's hash, reading each
//! payload) over the machine's cores. Only that work is spread: linking the chain and
//! applying events stay in order, so results and errors are the same as one core's.

/// Fewer items than this per thread are not worth a thread's start-up.
const MIN_ITEMS_PER_THREAD: usize = 1024;

/// Applies `f` to every item and returns the results in the items' order, using more than one
/// core when there are enough items. If a thread cannot be started, its share is done here.
/// The results come in one batch per thread, handed over as they are rather than copied
/// into one list.
pub(crate) fn map_in_order<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> impl Iterator<Item = U> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let threads = cores.min(items.len() / MIN_ITEMS_PER_THREAD).max(1);
    if threads == 1 {
        return vec![items.iter().map(f).collect::<Vec<U>>()].into_iter().flatten();
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    let batches = std::thread::scope(|scope| {
        let mut chunks = items.chunks(chunk);
        let first = chunks.next().unwrap_or_default();
        let others: Vec<_> = chunks
            .map(|c| {
                let spawned = std::thread::Builder::new()
                    .name("assess-load".into())
                    .spawn_scoped(scope, move || c.iter().map(f).collect::<Vec<U>>());
                spawned.map_err(|_| c)
            })
            .collect();
        let mut batches = Vec::with_capacity(threads);
        batches.push(first.iter().map(f).collect::<Vec<U>>());
        for other in others {
            batches.push(match other {
                Ok(handle) => match handle.join() {
                    Ok(results) => results,
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(c) => c.iter().map(f).collect(),
            });
        }
        batches
    });
    batches.into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_at_every_size() {
        for n in [0, 1, MIN_ITEMS_PER_THREAD - 1, MIN_ITEMS_PER_THREAD * 2, MIN_ITEMS_PER_THREAD * 5 + 7] {
            let items: Vec<usize> = (0..n).collect();
            let doubled: Vec<usize> = map_in_order(&items, |i| i * 2).collect();
            assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>(), "{n} items");
        }
    }
}
