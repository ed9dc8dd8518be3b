//! The faults waiting for requests: scripted rules, tried in the order they were added, then
//! the random mode with its own seeded RNG (so a sequential run is reproducible).

use axum::http::Method;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::Serialize;

use crate::faults::{Fault, FaultRule, RandomFaults};

/// A scripted fault that is still waiting for requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InjectedFault {
    pub id: u64,
    /// `count` is what is left (0 = until cleared).
    #[serde(flatten)]
    pub rule: FaultRule,
}

pub(crate) struct FaultQueue {
    rules: Vec<InjectedFault>,
    next_id: u64,
    random: StdRng,
}

impl FaultQueue {
    /// An empty queue whose random mode starts from `seed`.
    pub fn new(seed: u64) -> Self {
        FaultQueue {
            rules: Vec::new(),
            next_id: 1,
            random: StdRng::seed_from_u64(seed),
        }
    }

    /// Starts the random mode's sequence again from `seed`.
    pub fn reseed(&mut self, seed: u64) {
        self.random = StdRng::seed_from_u64(seed);
    }

    pub fn inject(&mut self, rule: FaultRule) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.rules.push(InjectedFault { id, rule });
        id
    }

    pub fn list(&self) -> Vec<InjectedFault> {
        self.rules.clone()
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The fault for this request, if a scripted rule or the random mode (`random`) picks it.
    pub fn take(
        &mut self,
        method: &Method,
        path: &str,
        random: Option<&RandomFaults>,
    ) -> Option<Fault> {
        if let Some(pos) = self.rules.iter().position(|f| f.rule.matches(method, path)) {
            let entry = self.rules.get_mut(pos)?;
            let fault = entry.rule.fault.clone();
            match entry.rule.count {
                0 => {}
                1 => {
                    self.rules.remove(pos);
                }
                _ => entry.rule.count -= 1,
            }
            return Some(fault);
        }
        let rf = random?;
        if rf
            .path_prefix
            .as_deref()
            .is_some_and(|p| !path.starts_with(p))
        {
            return None;
        }
        let roll: f64 = self.random.random();
        if roll >= rf.probability {
            return None;
        }
        let i = self.random.random_range(0..rf.kinds.len().max(1));
        rf.kinds.get(i).map(|k| k.to_fault())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripted_faults_are_consumed_in_order() {
        let mut q = FaultQueue::new(0);
        q.inject(FaultRule::new("/a", Fault::unavailable()).times(2));
        q.inject(FaultRule::new("/", Fault::delay_ms(1)));
        assert_eq!(q.take(&Method::GET, "/a", None), Some(Fault::unavailable()));
        assert_eq!(q.take(&Method::GET, "/b", None), Some(Fault::delay_ms(1)));
        assert_eq!(q.take(&Method::GET, "/a", None), Some(Fault::unavailable()));
        assert_eq!(q.take(&Method::GET, "/a", None), None);
    }
}
