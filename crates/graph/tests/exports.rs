//! Every export reads back with every node, edge and attribute; GEXF validates against the
//! official GEXF 1.3 grammar.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::process::Command;

use graph::build::{self, HyperlinkOptions, PageLinks, TermCount, TermKind, TermOptions};
use graph::export::{ColorBy, ExportMeta, edges_csv, gexf, graphml, graphology, nodes_csv};
use graph::{Graph, community, layout, stats};
use quick_xml::events::Event;

type Values = BTreeMap<String, String>;
type Nodes = HashMap<String, Values>;
type Edges = Vec<(String, String, Values)>;

/// Nodes by id and edges as (source, target) with their values as text, from the graph.
fn expected(g: &Graph) -> (Nodes, Edges) {
    let mut nodes = HashMap::new();
    for n in &g.nodes {
        let mut v = Values::new();
        v.insert("label".into(), n.label.clone());
        v.insert("kind".into(), n.kind.as_str().into());
        v.insert("degree".into(), n.degree.to_string());
        v.insert("weighted_degree".into(), format!("{}", n.weighted_degree));
        if let Some(c) = n.community {
            v.insert("community".into(), c.to_string());
        }
        for (k, a) in &n.attrs {
            v.insert(k.clone(), a.to_text());
        }
        nodes.insert(n.id.clone(), v);
    }
    let edges = g
        .edges
        .iter()
        .map(|e| {
            let mut v = Values::new();
            v.insert("weight".into(), format!("{}", e.weight));
            for (k, a) in &e.attrs {
                v.insert(k.clone(), a.to_text());
            }
            (
                g.nodes[e.source as usize].id.clone(),
                g.nodes[e.target as usize].id.clone(),
                v,
            )
        })
        .collect();
    (nodes, edges)
}

fn assert_same(
    g: &Graph,
    format: &str,
    nodes: HashMap<String, Values>,
    edges: Vec<(String, String, Values)>,
) {
    let (want_nodes, want_edges) = expected(g);
    assert_eq!(nodes.len(), want_nodes.len(), "{format}: node count");
    for (id, want) in &want_nodes {
        let got = nodes
            .get(id)
            .unwrap_or_else(|| panic!("{format}: node {id} missing"));
        for (k, v) in want {
            assert_eq!(got.get(k), Some(v), "{format}: node {id} attribute {k}");
        }
    }
    assert_eq!(edges.len(), want_edges.len(), "{format}: edge count");
    for ((s, t, want), (gs, gt, got)) in want_edges.iter().zip(&edges) {
        assert_eq!((s, t), (gs, gt), "{format}: edge order");
        for (k, v) in want {
            assert_eq!(got.get(k), Some(v), "{format}: edge {s}–{t} attribute {k}");
        }
    }
}

fn sample_graphs() -> Vec<(&'static str, Graph)> {
    let sites = ["dr.dk", "ens.dk", "vestas.com", "greenpeace.org", "klimarådet.dk"];
    let terms: [(&str, &str); 6] = [
        ("Dan Jørgensen", "PER"),
        ("Vestas", "ORG"),
        ("Esbjerg", "LOC"),
        ("Nordsøen", "LOC"),
        ("\"Grøn\" <omstilling> & co", "MISC"),
        ("tab\tand\u{1}control", "MISC"),
    ];
    let mut counts = Vec::new();
    for (i, s) in sites.iter().enumerate() {
        for (j, (t, l)) in terms.iter().enumerate() {
            if (i + j) % 3 != 0 {
                counts.push(TermCount {
                    website: s.to_string(),
                    term: t.to_string(),
                    label: Some(l.to_string()),
                    count: (1 + i * j % 7) as i64,
                });
            }
        }
    }
    let entities = build::website_terms(&counts, TermKind::Entity, &TermOptions::default());
    let pages = vec![
        PageLinks {
            website: "dr.dk".into(),
            targets: vec!["ens.dk".into(), "vestas.com".into()],
        },
        PageLinks {
            website: "ens.dk".into(),
            targets: vec!["dr.dk".into()],
        },
        PageLinks {
            website: "vestas.com".into(),
            targets: vec!["ens.dk".into(), "other.org".into()],
        },
    ];
    let links = build::hyperlink(&pages, HyperlinkOptions { crawled_only: false });
    let projected = build::project(&entities, build::Side::Websites, build::Measure::Cosine);
    let mut out = vec![
        ("website-entity", entities),
        ("hyperlink", links),
        ("projection", projected),
    ];
    for (_, g) in &mut out {
        stats::compute_degrees(g);
        let c = community::louvain(g, 1, 1.0);
        for (n, c) in g.nodes.iter_mut().zip(c.assignment) {
            n.community = Some(c);
        }
        layout::assign_sizes(g);
        layout::force_atlas2(
            g,
            &layout::LayoutOptions {
                iterations: 50,
                ..Default::default()
            },
        );
    }
    out
}

fn meta() -> ExportMeta {
    ExportMeta {
        title: "Energy <transition>".into(),
        creator: "Issue Observatory test".into(),
        description: "type=website-entity top=10 min_df=2 & more".into(),
        date: "2026-11-28".into(),
    }
}

fn attrs(e: &quick_xml::events::BytesStart) -> HashMap<String, String> {
    e.attributes()
        .map(|a| {
            let a = a.expect("attribute");
            (
                String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                a.unescape_value().expect("value").into_owned(),
            )
        })
        .collect()
}

fn read_gexf(text: &str) -> (Nodes, Edges, Vec<(String, String)>) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut nodes = HashMap::new();
    let mut edges = Vec::new();
    let mut titles = Vec::new();
    let mut current: Option<(bool, String, String, Values)> = None;
    loop {
        let (e, empty) = match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                if matches!(e.name().as_ref(), b"node" | b"edge") {
                    close(&mut current, &mut nodes, &mut edges);
                }
                continue;
            }
            _ => continue,
        };
        let a = attrs(&e);
        match e.name().as_ref() {
            b"attribute" => titles.push((a["id"].clone(), a["title"].clone())),
            b"node" => {
                let v = Values::from([("label".to_owned(), a["label"].clone())]);
                current = Some((true, a["id"].clone(), String::new(), v));
            }
            b"edge" => {
                let v = Values::from([("weight".to_owned(), a["weight"].clone())]);
                current = Some((false, a["source"].clone(), a["target"].clone(), v));
            }
            b"attvalue" => {
                if let Some((_, _, _, v)) = current.as_mut() {
                    v.insert(a["for"].clone(), a["value"].clone());
                }
            }
            _ => {}
        }
        if empty && matches!(e.name().as_ref(), b"node" | b"edge") {
            close(&mut current, &mut nodes, &mut edges);
        }
    }
    (nodes, edges, titles)
}

type Open = Option<(bool, String, String, Values)>;

fn close(current: &mut Open, nodes: &mut Nodes, edges: &mut Edges) {
    match current.take() {
        Some((true, id, _, v)) => {
            nodes.insert(id, v);
        }
        Some((false, s, t, v)) => edges.push((s, t, v)),
        None => {}
    }
}

fn read_graphml(text: &str) -> (Nodes, Edges) {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut key_names: HashMap<String, String> = HashMap::new();
    let mut nodes = HashMap::new();
    let mut edges = Vec::new();
    let mut current: Option<(bool, String, String, Values)> = None;
    let mut data_key: Option<String> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => {
                let a = attrs(&e);
                match e.name().as_ref() {
                    b"key" => {
                        key_names.insert(a["id"].clone(), a["attr.name"].clone());
                    }
                    b"node" => current = Some((true, a["id"].clone(), String::new(), Values::new())),
                    b"edge" => {
                        current = Some((false, a["source"].clone(), a["target"].clone(), Values::new()))
                    }
                    b"data" => data_key = Some(key_names[&a["key"]].clone()),
                    _ => {}
                }
            }
            Event::Text(t) => {
                if let (Some(k), Some((_, _, _, v))) = (data_key.as_ref(), current.as_mut()) {
                    let text = t.decode().expect("utf8").into_owned();
                    let text = quick_xml::escape::unescape(&text).expect("escaped").into_owned();
                    v.entry(k.clone()).or_default().push_str(&text);
                }
            }
            Event::GeneralRef(r) => {
                if let (Some(k), Some((_, _, _, v))) = (data_key.as_ref(), current.as_mut()) {
                    let name = r.decode().expect("utf8");
                    let text = quick_xml::escape::unescape(&format!("&{name};"))
                        .expect("ref")
                        .into_owned();
                    v.entry(k.clone()).or_default().push_str(&text);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"data" => {
                    if let (Some(k), Some((_, _, _, v))) = (data_key.take(), current.as_mut()) {
                        v.entry(k).or_default();
                    }
                }
                b"node" => {
                    if let Some((true, id, _, v)) = current.take() {
                        nodes.insert(id, v);
                    }
                }
                b"edge" => {
                    if let Some((false, s, t, v)) = current.take() {
                        edges.push((s, t, v));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    (nodes, edges)
}

fn read_csv_tables(nodes: &[u8], edges: &[u8]) -> (Nodes, Edges) {
    let mut out_nodes = HashMap::new();
    let mut r = csv::Reader::from_reader(nodes);
    let header = r.headers().expect("header").clone();
    for row in r.records() {
        let row = row.expect("row");
        let mut v = Values::new();
        for (h, cell) in header.iter().zip(row.iter()) {
            if !cell.is_empty() {
                v.insert(h.into(), cell.into());
            }
        }
        out_nodes.insert(row[0].to_owned(), v);
    }
    let mut out_edges = Vec::new();
    let mut r = csv::Reader::from_reader(edges);
    let header = r.headers().expect("header").clone();
    for row in r.records() {
        let row = row.expect("row");
        let mut v = Values::new();
        for (h, cell) in header.iter().zip(row.iter()).skip(2) {
            if !cell.is_empty() {
                v.insert(h.into(), cell.into());
            }
        }
        out_edges.push((row[0].to_owned(), row[1].to_owned(), v));
    }
    (out_nodes, out_edges)
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        // Numbers compare as values: JSON writes 3.0 where the others write 3.
        serde_json::Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            format!("{}", n.as_f64().unwrap_or(f64::NAN))
        }
        other => other.to_string(),
    }
}

fn read_graphology(v: &serde_json::Value) -> (Nodes, Edges) {
    let mut nodes = HashMap::new();
    for n in v["nodes"].as_array().expect("nodes") {
        let mut vals = Values::new();
        for (k, a) in n["attributes"].as_object().expect("attributes") {
            vals.insert(k.clone(), json_text(a));
        }
        nodes.insert(json_text(&n["key"]), vals);
    }
    let edges = v["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .map(|e| {
            let mut vals = Values::new();
            for (k, a) in e["attributes"].as_object().expect("attributes") {
                vals.insert(k.clone(), json_text(a));
            }
            (json_text(&e["source"]), json_text(&e["target"]), vals)
        })
        .collect();
    (nodes, edges)
}

#[test]
fn every_format_reads_back_with_every_node_edge_and_attribute() {
    for (name, g) in sample_graphs() {
        assert!(g.edge_count() > 0, "{name} has edges");
        let text = gexf(&g, &meta(), ColorBy::Kind);
        let (nodes, edges, titles) = read_gexf(&text);
        assert_same(&g, &format!("{name} GEXF"), nodes, edges);
        // Every attribute is declared with a readable title.
        for decl in g.node_attrs.iter().chain(&g.edge_attrs) {
            assert!(
                titles
                    .iter()
                    .any(|(id, title)| *id == decl.key && *title == decl.title),
                "{name}: {decl:?}"
            );
        }
        assert!(titles.iter().any(|(id, t)| id == "kind" && t == "Node type"));

        let (nodes, edges) = read_graphml(&graphml(&g, &meta(), ColorBy::Kind));
        assert_same(&g, &format!("{name} GraphML"), nodes, edges);

        let (nodes, edges) = read_csv_tables(&nodes_csv(&g, ColorBy::Kind), &edges_csv(&g));
        assert_same(&g, &format!("{name} CSV"), nodes, edges);

        let json = graphology(&g, &meta(), ColorBy::Community);
        let reparsed: serde_json::Value = serde_json::from_str(&json.to_string()).expect("JSON");
        assert_eq!(
            reparsed["options"]["type"],
            if g.directed { "directed" } else { "undirected" }
        );
        let (nodes, edges) = read_graphology(&reparsed);
        assert_same(&g, &format!("{name} graphology"), nodes, edges);
        for n in reparsed["nodes"].as_array().expect("nodes") {
            for key in ["x", "y", "size", "color", "label"] {
                assert!(n["attributes"].get(key).is_some(), "{name}: sigma needs {key}");
            }
        }
    }
}

fn schema() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/gexf/1.3/gexf.rng")
}

#[test]
fn gexf_validates_against_the_official_grammar() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert!(
        schema().exists(),
        "the GEXF 1.3 grammar is missing at {}",
        schema().display()
    );
    for (name, g) in sample_graphs() {
        for color in [ColorBy::Kind, ColorBy::Community] {
            let path = dir.path().join(format!("{name}.gexf"));
            std::fs::write(&path, gexf(&g, &meta(), color)).expect("write");
            let out = Command::new("xmllint")
                .arg("--noout")
                .arg("--relaxng")
                .arg(schema())
                .arg(&path)
                .output()
                .expect("xmllint runs (Debian's libxml2-utils; .ci/setup installs it)");
            assert!(
                out.status.success(),
                "{name}: {}\n{}",
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(&path).unwrap_or_default()
            );
        }
    }
}

#[test]
fn gexf_of_a_small_network_is_stable() {
    // Positions fixed by hand: the snapshot pins the format, the layout has its own tests.
    let (_, mut g) = sample_graphs().remove(1);
    for (i, n) in g.nodes.iter_mut().enumerate() {
        n.position = Some((i as f32 * 10.5, -(i as f32) * 2.25));
    }
    insta::assert_snapshot!(gexf(&g, &meta(), ColorBy::Kind));
}
