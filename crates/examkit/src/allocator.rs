//! The process's allocator and how batch commands tune it.

/// mimalloc: the analysis makes millions of small allocations on every core,
/// where it is markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (`mimalloc.h`): how
/// long freed memory stays committed before it goes back to the system;
/// `-1` keeps it. Not exported as a constant by `libmimalloc-sys`; the
/// unit test below checks that this index is that option.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps freed memory committed for the rest of the process, so that what a
/// batch command frees is reused without the system handing out (and
/// zeroing) fresh pages again. For commands that end soon after their peak,
/// never for the long-running language server.
///
/// Must be called before the process starts a second thread: mimalloc's
/// options are plain values, not meant to change while other threads
/// allocate.
#[allow(unsafe_code)]
pub fn keep_freed_memory() {
    // SAFETY: `mi_option_set` writes one option's value. The caller runs
    // before any other thread exists, so nothing reads it concurrently.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(unsafe_code)]
    fn the_purge_delay_index_names_the_purge_delay_option() {
        // mimalloc's documented default purge delay is 1000 ms (v3), and
        // no neighbouring option defaults to that value.
        // SAFETY: reads one option's value.
        let default = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(default, 1000);
        for neighbour in [PURGE_DELAY - 1, PURGE_DELAY + 1] {
            // SAFETY: as above.
            assert_ne!(unsafe { libmimalloc_sys::mi_option_get(neighbour) }, 1000);
        }
    }
}
