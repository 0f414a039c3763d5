//! `observatory graph backbone`: backboning for any weighted edge list, on its own.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};

use anyhow::Context;
use graph::backbone::{Method, read_edge_list, write_scored_edge_list};

use crate::cli_network::{BackboneArg, BackboneArgs, GraphCommand};

pub fn run(command: &GraphCommand) -> anyhow::Result<()> {
    match command {
        GraphCommand::Backbone(args) => backbone(args),
    }
}

fn method(args: &BackboneArgs) -> anyhow::Result<Method> {
    let need = |v: Option<f64>, flag: &str| v.ok_or_else(|| anyhow::anyhow!("this method needs {flag}"));
    let method = match args.method {
        BackboneArg::Disparity => Method::Disparity {
            alpha: need(args.alpha, "--alpha")?,
        },
        BackboneArg::NoiseCorrected => Method::NoiseCorrected {
            delta: need(args.delta, "--delta")?,
        },
        BackboneArg::Threshold => Method::Threshold {
            threshold: need(args.threshold, "--threshold")?,
        },
        BackboneArg::Topk => Method::TopK {
            k: args.k.ok_or_else(|| anyhow::anyhow!("this method needs --k"))?,
        },
    };
    if let Some((field, message)) = method.problem() {
        anyhow::bail!("--{field} {message}");
    }
    Ok(method)
}

fn backbone(args: &BackboneArgs) -> anyhow::Result<()> {
    let method = method(args)?;
    let input: Box<dyn Read> = if args.input.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(BufReader::new(
            File::open(&args.input).with_context(|| format!("opening {}", args.input.display()))?,
        ))
    };
    let list =
        read_edge_list(input, args.directed).with_context(|| format!("reading {}", args.input.display()))?;
    let scores = method.score(list.names.len(), &list.edges, args.directed);
    let kept = scores.iter().filter(|s| s.keep).count();
    let output: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(io::stdout().lock()),
    };
    write_scored_edge_list(&list, method, &scores, args.all, output)?;
    let edges = list.edges.len();
    let share = if edges == 0 {
        100.0
    } else {
        100.0 * kept as f64 / edges as f64
    };
    eprintln!(
        "{}: kept {kept} of {edges} edges ({share:.1}%) over {} nodes",
        method.name(),
        list.names.len()
    );
    Ok(())
}
