//! `observatory network`: build a network through the job system with a progress bar,
//! then print its statistics and communities and write its files; list, show, download,
//! delete.

use std::path::Path;

use anyhow::Context;
use contract::ServiceError;
use graph::export::ColorBy;
use networks::export::Format;
use networks::spec::{NetworkParams, NetworkRequest};
use serde_json::{Value, json};
use store::{Network, NetworkScope, PageRequest, Queue, SearchStatus, Store, UserId};

use crate::cli_network::{BackboneArg, BuildArgs, ColorArg, NetworkAction, NetworkArgs};
use crate::commands::follow_job;
use crate::settings::Settings;
use crate::startup::{job_registry, open_store};

pub async fn run(settings: &Settings, args: &NetworkArgs) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let result = network(settings, args, store.clone()).await;
    store.close().await;
    result
}

fn service_error(e: ServiceError) -> anyhow::Error {
    super::service_error(
        super::Subject::new(
            "the network",
            "no such network, search session or scraping job of yours",
        ),
        e,
    )
}

fn color(arg: ColorArg) -> ColorBy {
    match arg {
        ColorArg::Type => ColorBy::Kind,
        ColorArg::Community => ColorBy::Community,
    }
}

async fn network(
    settings: &Settings,
    args: &NetworkArgs,
    store: std::sync::Arc<dyn Store>,
) -> anyhow::Result<()> {
    let name = args
        .as_user
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("say whose networks these are with --as USER"))?;
    let user = crate::commands::active_user(store.as_ref(), name).await?;
    match &args.action {
        NetworkAction::Build(build) => build_network(settings, store, user.id, build).await,
        NetworkAction::List { project } => {
            let rows = networks::service::list_networks(
                store.as_ref(),
                user.id,
                *project,
                PageRequest {
                    after: None,
                    limit: 500,
                },
            )
            .await
            .map_err(service_error)?;
            if rows.is_empty() {
                println!("no networks yet (build one with `observatory network build`)");
            }
            for n in rows {
                println!(
                    "{:>5}  {:<16} {:<10} {:>7} nodes {:>8} edges  {}",
                    n.id,
                    n.kind,
                    n.status.as_str(),
                    n.node_count.unwrap_or(0),
                    n.edge_count.unwrap_or(0),
                    n.name
                );
            }
            Ok(())
        }
        NetworkAction::Compare {
            a,
            b,
            limit,
            json,
            out,
            dynamic,
        } => {
            let c = networks::compare::compare_networks(store.as_ref(), user.id, *a, *b, Some(*limit))
                .await
                .map_err(service_error)?;
            if *json {
                println!("{}", serde_json::to_string(&c)?);
            } else {
                print_comparison(&c);
            }
            if let Some(path) = out {
                let format = if *dynamic {
                    networks::compare::ComparisonFormat::DynamicGexf
                } else {
                    networks::compare::ComparisonFormat::Gexf
                };
                let file = networks::compare::export_comparison(store.as_ref(), user.id, *a, *b, format)
                    .await
                    .map_err(service_error)?;
                std::fs::write(path, &file.bytes)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        NetworkAction::Evidence {
            id,
            source,
            target,
            node,
            limit,
            cursor,
            json,
        } => {
            let query = networks::evidence::EvidenceQuery {
                source: source.clone(),
                target: target.clone(),
                node: node.clone(),
                cursor: cursor.clone(),
                limit: Some(*limit),
            };
            let evidence = networks::evidence::network_evidence(store.as_ref(), user.id, *id, query)
                .await
                .map_err(service_error)?;
            if *json {
                println!("{}", serde_json::to_string(&evidence)?);
            } else {
                super::network_evidence::print(&evidence);
            }
            Ok(())
        }
        NetworkAction::Show { id } => {
            let n = networks::service::get_network(store.as_ref(), user.id, *id)
                .await
                .map_err(service_error)?;
            print_summary(store.as_ref(), user.id, &n).await
        }
        NetworkAction::Download {
            id,
            out,
            format,
            color: c,
        } => {
            let format = match format {
                Some(f) => f.parse::<Format>().map_err(|e| anyhow::anyhow!(e))?,
                None => Format::from_path(out).ok_or_else(|| {
                    anyhow::anyhow!(
                        "say which format with --format, or end --out with .gexf, .graphml, .zip or .json"
                    )
                })?,
            };
            write_file(store.as_ref(), user.id, *id, out, format, color(*c)).await
        }
        NetworkAction::Delete { id } => {
            networks::service::delete_network(store.as_ref(), user.id, *id)
                .await
                .map_err(service_error)?;
            println!("deleted network {id}");
            Ok(())
        }
    }
}

fn params(args: &BuildArgs) -> anyhow::Result<Value> {
    let top = if args.top >= 1.0 && args.top.fract() == 0.0 && args.top <= f64::from(u32::MAX) {
        json!(args.top as u32)
    } else {
        json!(args.top)
    };
    let backbone = args.backbone.map(|b| match b {
        BackboneArg::Disparity => json!({"method": "disparity", "alpha": args.alpha}),
        BackboneArg::NoiseCorrected => json!({"method": "noise_corrected", "delta": args.delta}),
        BackboneArg::Threshold => json!({"method": "threshold", "threshold": args.threshold}),
        BackboneArg::Topk => json!({"method": "top_k", "k": args.k}),
    });
    let projection = args
        .project
        .as_ref()
        .map(|onto| json!({"onto": onto, "measure": args.measure}));
    Ok(json!({
        "website_unit": args.unit,
        "corpus": args.corpus,
        "weight": args.weight,
        "top": top,
        "min_df": args.min_df,
        "max_df_share": args.max_df,
        "languages": args.languages,
        "entity_types": args.entity_types,
        "crawled_only": !args.all_links,
        "projection": projection,
        "backbone": backbone,
        "filters": {"giant_component_only": args.giant, "drop_isolates": !args.keep_isolates},
        "communities": {"enabled": !args.no_communities, "resolution": args.resolution, "seed": args.seed},
        "layout": {"enabled": !args.no_layout, "iterations": args.iterations, "linlog": args.linlog, "seed": args.seed},
    }))
}

async fn build_network(
    settings: &Settings,
    store: std::sync::Arc<dyn Store>,
    owner: UserId,
    args: &BuildArgs,
) -> anyhow::Result<()> {
    for out in &args.out {
        anyhow::ensure!(
            Format::from_path(out).is_some(),
            "{}: end the file name with .gexf, .graphml, .zip (CSV tables) or .json",
            out.display()
        );
    }
    let params: NetworkParams =
        serde_json::from_value(params(args)?).map_err(|e| anyhow::anyhow!("invalid option: {e}"))?;
    let request = NetworkRequest {
        project_id: args.in_project,
        name: args.name.clone(),
        kind: args.kind,
        scope: NetworkScope {
            sessions: args.sessions.clone(),
            crawls: args.jobs.clone(),
        },
        params,
    };
    let (registry, _) = job_registry(settings)?;
    let network = networks::service::create_network(store.as_ref(), &registry, owner, request)
        .await
        .map_err(service_error)?;
    let job_id = network
        .job_id
        .ok_or_else(|| anyhow::anyhow!("the network was not queued"))?;
    let mut options = settings.worker_options();
    options.queues = vec![Queue::Network];
    options.concurrency = 1;
    options.cache = crate::startup::worker_cache(settings).await?;
    let workers = jobs::start_workers(store.clone(), registry, options);
    let followed = follow_job(store.as_ref(), owner, job_id).await;
    workers.shutdown().await;
    followed?;
    let network = networks::service::get_network(store.as_ref(), owner, network.id)
        .await
        .map_err(service_error)?;
    print_summary(store.as_ref(), owner, &network).await?;
    if network.status != SearchStatus::Done {
        anyhow::bail!(
            "network {} ended {}: {}",
            network.id,
            network.status.as_str(),
            network.error.unwrap_or_default()
        );
    }
    for out in &args.out {
        let format = Format::from_path(out).unwrap_or(Format::Gexf);
        write_file(store.as_ref(), owner, network.id, out, format, color(args.color)).await?;
    }
    Ok(())
}

async fn write_file(
    store: &dyn Store,
    owner: UserId,
    id: store::NetworkId,
    out: &Path,
    format: Format,
    color_by: ColorBy,
) -> anyhow::Result<()> {
    let file = networks::service::export_network(store, owner, id, format, color_by)
        .await
        .map_err(service_error)?;
    std::fs::write(out, &file.bytes).with_context(|| format!("writing {}", out.display()))?;
    println!(
        "wrote {} ({}, {} bytes)",
        out.display(),
        format.as_str(),
        file.bytes.len()
    );
    Ok(())
}

/// Statistics, the backbone report, and the biggest communities with their heaviest members.
async fn print_summary(store: &dyn Store, owner: UserId, n: &Network) -> anyhow::Result<()> {
    println!(
        "network {} \"{}\" ({}): {}",
        n.id,
        n.name,
        n.kind,
        n.status.as_str()
    );
    if let Some(e) = &n.error {
        println!("  error: {e}");
    }
    let Some(report) = &n.report else {
        return Ok(());
    };
    let s = &report["statistics"];
    println!(
        "  {} nodes {}, {} edges, density {:.4}",
        s["nodes"],
        s["nodes_by_kind"],
        s["edges"],
        s["density"].as_f64().unwrap_or(0.0)
    );
    println!(
        "  {} components, giant component {:.1}% of nodes; {} communities, modularity {:.3}",
        s["components"],
        100.0 * s["giant_component_share"].as_f64().unwrap_or(0.0),
        s["communities"],
        s["modularity"].as_f64().unwrap_or(0.0)
    );
    if let Some(b) = report.get("backbone").filter(|b| !b.is_null()) {
        println!(
            "  backbone {} ({}): edges {} → {} ({:.1}% kept), nodes {} → {}",
            b["method"].as_str().unwrap_or_default(),
            b["parameter"],
            b["edges_before"],
            b["edges_after"],
            100.0 * b["edge_retention"].as_f64().unwrap_or(0.0),
            b["nodes_before"],
            b["nodes_after"]
        );
    }
    println!("  timings (ms): {}", report["millis"]);
    if n.status != SearchStatus::Done {
        return Ok(());
    }
    let Some(graph) = networks::service::stored_graph(store, owner, n.id)
        .await
        .map_err(service_error)?
    else {
        return Ok(());
    };
    for (c, nodes) in graph::community::members(&graph).into_iter().take(8) {
        let top: Vec<&str> = nodes.iter().take(6).map(|n| n.label.as_str()).collect();
        println!("  community {c} ({} nodes): {}", nodes.len(), top.join(", "));
    }
    Ok(())
}

/// A comparison for the terminal: the summary, then one tab-separated row per change.
fn print_comparison(c: &networks::compare::NetworkComparison) {
    let s = &c.comparison.summary;
    println!(
        "{} {} → {}: nodes {} → {} (+{} −{}, Jaccard {:.3}); edges {} → {} (+{} −{}, {} reweighted, Jaccard {:.3})",
        c.kind,
        c.a,
        c.b,
        s.nodes_a,
        s.nodes_b,
        s.nodes_added,
        s.nodes_removed,
        s.node_jaccard,
        s.edges_a,
        s.edges_b,
        s.edges_added,
        s.edges_removed,
        s.edges_changed,
        s.edge_jaccard
    );
    let cmp = &c.comparison;
    for n in &cmp.nodes_added {
        println!("node+\t{}\t{}", n.id, n.label);
    }
    for n in &cmp.nodes_removed {
        println!("node-\t{}\t{}", n.id, n.label);
    }
    let weight = |w: Option<f64>| w.map(graph::format_float).unwrap_or_default();
    for e in &cmp.edges_added {
        println!("edge+\t{}\t{}\t{}", e.source, e.target, weight(e.weight_b));
    }
    for e in &cmp.edges_removed {
        println!("edge-\t{}\t{}\t{}", e.source, e.target, weight(e.weight_a));
    }
    for e in &cmp.edges_changed {
        println!(
            "edge~\t{}\t{}\t{} → {}",
            e.source,
            e.target,
            weight(e.weight_a),
            weight(e.weight_b)
        );
    }
    for m in &cmp.communities {
        let side = |c: Option<u32>| c.map_or("-".to_owned(), |c| c.to_string());
        println!(
            "community\t{} → {}\tJaccard {:.3}\t+{} −{}",
            side(m.a),
            side(m.b),
            m.jaccard,
            m.joined,
            m.left
        );
    }
    for d in &cmp.rising {
        println!("rises\t{}\t{}\t{:+}", d.id, d.label, d.change);
    }
    for d in &cmp.falling {
        println!("falls\t{}\t{}\t{:+}", d.id, d.label, d.change);
    }
}
