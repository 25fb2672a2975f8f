//! `GET sys/metrics` (JSON form: the last 10 s window of go-metrics' in-memory sink).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetricsSummary {
    #[serde(default)]
    pub timestamp: String,
    #[serde(default)]
    pub gauges: Vec<Gauge>,
    #[serde(default)]
    pub counters: Vec<Sampled>,
    #[serde(default)]
    pub samples: Vec<Sampled>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Gauge {
    pub name: String,
    pub value: f64,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// A counter or a sample (timer) aggregate.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Sampled {
    pub name: String,
    #[serde(default)]
    pub count: u64,
    #[serde(default)]
    pub rate: f64,
    #[serde(default)]
    pub sum: f64,
    #[serde(default)]
    pub min: f64,
    #[serde(default)]
    pub max: f64,
    #[serde(default)]
    pub mean: f64,
    #[serde(default)]
    pub stddev: f64,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl MetricsSummary {
    /// The first gauge of that name whose labels don't mark it as a stale pre-unseal series
    /// (an empty `cluster` label).
    pub fn gauge(&self, name: &str) -> Option<f64> {
        self.gauges
            .iter()
            .filter(|g| g.name == name)
            .find(|g| g.labels.get("cluster").is_none_or(|c| !c.is_empty()))
            .map(|g| g.value)
    }

    pub fn counter(&self, name: &str) -> Option<&Sampled> {
        self.counters.iter().find(|c| c.name == name)
    }

    pub fn sample(&self, name: &str) -> Option<&Sampled> {
        self.samples.iter().find(|c| c.name == name)
    }
}
