//! `--timings`: how long each step of a command took, printed to standard
//! error when the command ends.

use std::time::{Duration, Instant};

/// The steps of one command, timed one after another.
#[derive(Debug)]
pub struct Timings {
    enabled: bool,
    start: Instant,
    last: Instant,
    steps: Vec<(&'static str, Duration)>,
}

impl Timings {
    /// Starts the clock; nothing is kept or printed unless `enabled`.
    #[must_use]
    pub fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Self {
            enabled,
            start: now,
            last: now,
            steps: Vec::new(),
        }
    }

    /// Ends the step `name`: the time since the previous step ended.
    pub fn step(&mut self, name: &'static str) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        self.steps.push((name, now - self.last));
        self.last = now;
    }

    /// The steps and the total, as one line:
    /// `timings: read 0.95 s, check 0.61 s, total 1.56 s`.
    #[must_use]
    pub fn line(&self) -> String {
        let mut line = String::from("timings:");
        for (name, took) in &self.steps {
            line.push_str(&format!(" {name} {:.3} s,", took.as_secs_f64()));
        }
        line.push_str(&format!(
            " total {:.3} s",
            (self.last - self.start).as_secs_f64()
        ));
        line
    }

    /// Prints [`Timings::line`] to standard error, if enabled.
    pub fn report(&self) {
        if self.enabled {
            eprintln!("{}", self.line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_lists_steps_in_order_with_their_total() {
        let mut timings = Timings::new(true);
        timings.step("read");
        std::thread::sleep(Duration::from_millis(5));
        timings.step("write");
        let line = timings.line();
        let read = line.find(" read ").expect("read step");
        let write = line.find(" write ").expect("write step");
        assert!(read < write, "{line}");
        let total: f64 = line
            .rsplit("total ")
            .next()
            .and_then(|t| t.trim_end_matches(" s").parse().ok())
            .expect("total");
        assert!(total >= 0.005, "{line}");
    }

    #[test]
    fn disabled_timings_keep_nothing() {
        let mut timings = Timings::new(false);
        timings.step("read");
        assert_eq!(timings.line(), "timings: total 0.000 s");
    }
}
