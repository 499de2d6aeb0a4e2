//! Times the phases of an export on a content root, without the rules of
//! `examkit check` (which `examkit export` runs first to refuse broken
//! content): load (parse, schema validation, entities), select, build the
//! notes, stamp them with a fresh lock, write the `.apkg`, and the JSON
//! bundle.
//!
//! ```text
//! cargo run --release -p examkit-export --example export_bench -- CONTENT_ROOT OUT_DIR
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use examkit_export::content::{Filter, select};
use examkit_export::lock::Lock;
use examkit_export::{anki, deck, json};
use examkit_model::{SourceFile, Workspace};
use rayon::prelude::*;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            yaml_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, root, out] = args.as_slice() else {
        return Err("usage: export_bench CONTENT_ROOT OUT_DIR".into());
    };
    let out = Path::new(out);
    std::fs::create_dir_all(out)?;
    let mut phases: Vec<(&str, f64)> = Vec::new();
    let mut clock = Instant::now();
    let mut lap = |name, phases: &mut Vec<(&str, f64)>| {
        phases.push((name, clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };

    let mut files = Vec::new();
    yaml_files(Path::new(root), &mut files)?;
    let sources: Vec<SourceFile> = files
        .par_iter()
        .map(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            SourceFile::from_bytes(Arc::from(p.as_path()), &bytes)
        })
        .collect();
    let workspace = Workspace::new(sources);
    lap("load: parse, validate, entities", &mut phases);

    let selection = select(&workspace, &Filter::default())?;
    lap("select", &mut phases);
    let mut build = deck::build(&selection);
    lap(
        "build notes (Markdown, fields, tags, lock hash)",
        &mut phases,
    );
    let mut lock = Lock::default();
    let hashes = std::mem::take(&mut build.hashes);
    let summary = lock.stamp_hashed(
        &mut build.package.notes,
        &build.sources,
        hashes,
        1_795_737_600,
        true,
    );
    lap("lock: stamp", &mut phases);
    let lock_text = lock.to_text();
    lap("lock: serialize", &mut phases);
    let package = build.finish();
    let written = anki::write_apkg(&package, &out.join("bench.apkg"))?;
    lap("write .apkg (SQLite, zip, rename)", &mut phases);
    let bundle = json::bundle(&selection);
    let bytes = json::to_vec(&bundle)?;
    std::fs::write(out.join("bench.json"), &bytes)?;
    lap("JSON bundle (build, serialize, write)", &mut phases);

    println!(
        "{} notes, {} cards, {} decks; .apkg {} bytes; lock {} entries ({} bytes); JSON {} bytes",
        written.notes,
        written.cards,
        written.decks,
        written.bytes,
        summary.added,
        lock_text.len(),
        bytes.len()
    );
    for (name, secs) in &phases {
        println!("{secs:>8.3} s  {name}");
    }
    let export: f64 = phases.iter().skip(1).take(5).map(|(_, s)| s).sum();
    println!("{export:>8.3} s  export total (select + build + lock + .apkg)");
    Ok(())
}
