//! Bundles the web UI's JavaScript and CSS from npm packages into `OUT_DIR/assets`, where
//! `ui::assets` embeds them. The packages come from the npm registry at the exact versions of
//! `ui/package-lock.json`; nothing is fetched from anywhere else and no third-party code is
//! committed.

use std::path::{Path, PathBuf};
use std::process::Command;

const ENTRY_POINTS: [&str; 3] = ["src/app.js", "src/viewer.js", "src/app.css"];

fn main() {
    let ui =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("ui");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("assets");
    println!("cargo:rerun-if-changed=ui/package.json");
    println!("cargo:rerun-if-changed=ui/package-lock.json");
    println!("cargo:rerun-if-changed=ui/src");
    println!("cargo:rerun-if-env-changed=OBSERVATORY_NPM");

    let npm = std::env::var("OBSERVATORY_NPM").unwrap_or_else(|_| "npm".into());
    if let Err(problem) = run(Command::new(&npm).arg("--version").current_dir(&ui)) {
        fail(&format!(
            "npm is needed to build the web UI's assets, and `{npm} --version` failed: {problem}.\n\
             Install Node.js 20 or newer with npm (Debian: apt-get install nodejs npm), or point \
             OBSERVATORY_NPM at an npm binary."
        ));
    }
    install_packages(&ui, &npm);
    let esbuild = ui.join("node_modules/.bin/esbuild");
    let mut bundle = Command::new(&esbuild);
    bundle
        .current_dir(&ui)
        .args(ENTRY_POINTS)
        .args([
            "--bundle",
            "--minify",
            "--target=es2020",
            "--format=esm",
            "--legal-comments=none",
        ])
        .arg(format!("--outdir={}", out.display()));
    if let Err(problem) = run(&mut bundle) {
        fail(&format!(
            "bundling the web UI's assets with esbuild failed: {problem}"
        ));
    }
    write_package_list(&ui, &out);
}

/// The bundled packages with their versions and licences, for the About page.
fn write_package_list(ui: &Path, out: &Path) {
    let lock: serde_json::Value = std::fs::read(ui.join("package-lock.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_else(|| fail("ui/package-lock.json is not valid JSON"));
    let mut list = Vec::new();
    if let Some(packages) = lock["packages"].as_object() {
        for (path, package) in packages {
            let Some(name) = path.strip_prefix("node_modules/") else {
                continue;
            };
            if package["dev"].as_bool() == Some(true) {
                continue;
            }
            list.push(serde_json::json!({
                "name": name,
                "version": package["version"],
                "license": package["license"],
            }));
        }
    }
    let json = serde_json::to_vec(&list).unwrap_or_else(|e| fail(&e.to_string()));
    if let Err(e) = std::fs::write(out.join("packages.json"), json) {
        fail(&format!("cannot write packages.json: {e}"));
    }
}

/// `npm ci` whenever the lockfile differs from the one the installed packages came from.
fn install_packages(ui: &Path, npm: &str) {
    let lock = std::fs::read(ui.join("package-lock.json"))
        .unwrap_or_else(|e| fail(&format!("cannot read ui/package-lock.json: {e}")));
    let stamp_path = ui.join("node_modules/.observatory-lock");
    let wanted = format!("{:016x}", fnv1a(&lock));
    if std::fs::read_to_string(&stamp_path).is_ok_and(|s| s.trim() == wanted) {
        return;
    }
    let mut ci = Command::new(npm);
    ci.current_dir(ui)
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
    if let Err(problem) = run(&mut ci) {
        fail(&format!(
            "`npm ci` in crates/web/ui failed: {problem}.\nThe npm registry must be reachable \
             (or the packages in npm's cache)."
        ));
    }
    if let Err(e) = std::fs::write(&stamp_path, wanted) {
        fail(&format!("cannot write {}: {e}", stamp_path.display()));
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command.output().map_err(|e| e.to_string())?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{}\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    ))
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}
