#!/usr/bin/env python3
"""Benchmark orchestrator (standard library only, so `--no-python` runs need no venv).

Called by run.sh after it installed tools, built vae-pipeline and (unless --no-python) the venv:

  bench.py --suites read,memory --reps 3 [--quick] [--vae PATH] [--venv-python PATH]
           [--icu-loop PATH] [--size 20m] [--train-seconds S] [--command "…"]

Every suite lists its tasks (vae-pipeline and its peers on the same input), then runs them in
alternation, A B C A B C …, so drifts of a shared machine hit every tool alike. Each process runs
under `/usr/bin/time -v` for its peak RSS; wall time is taken around it with a monotonic clock.
Raw runs go to results/runs/<stamp>.json and results/latest.json, the table to results/latest.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
ROOT = os.path.dirname(BENCH)
DATA = os.path.join(BENCH, "data")
RESULTS = os.path.join(BENCH, "results")
sys.path.insert(0, HERE)

import report  # noqa: E402

ALL_SUITES = ["read", "memory", "tokenize", "vocab", "embeddings", "train"]
MIB = 1024 * 1024


def say(msg: str = "") -> None:
    print(msg, flush=True)


def warn(msg: str) -> None:
    print(f"!! {msg}", flush=True)


class Task:
    """One command of one work item. role: 'vae' (the subject), 'peer' or 'info' (context only)."""

    def __init__(self, suite, work, tool, argv, role="peer", amount=None, unit="MB/s",
                 throughput_from=None, check=None, capture=False, tmpdir=False, env=None):
        self.suite, self.work, self.tool, self.argv = suite, work, tool, argv
        self.role, self.amount, self.unit = role, amount, unit
        self.throughput_from = throughput_from  # fn(result_json, stdout) → (value, extra) or None
        self.check = check  # fn(stdout, result) → list of problems
        self.capture, self.tmpdir, self.env = capture, tmpdir, env


def warm_page_cache(tasks: list[Task]) -> None:
    """Reads every input file of a suite once before timing, so that whichever tool runs first
    does not pay for the disk while the others read from memory (unfair on a one-round run)."""
    paths = sorted({arg for t in tasks for arg in t.argv
                    if isinstance(arg, str) and os.path.isfile(arg) and os.path.getsize(arg) >= 1 << 20})
    total = 0
    for path in paths:
        with open(path, "rb") as f:
            while chunk := f.read(8 << 20):
                total += len(chunk)
    if paths:
        say(f"  (page cache warmed: {len(paths)} input file(s), {total / 1e9:.2f} GB)")


def parse_time_v(path: str) -> dict:
    out = {}
    try:
        text = open(path).read()
    except OSError:
        return out
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["max_rss_kib"] = int(m.group(1))
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:
        secs = 0.0
        for part in m.group(1).split(":"):
            secs = secs * 60 + float(part)
        out["time_v_elapsed_s"] = secs
    for key, label in (("user_s", "User time (seconds)"), ("sys_s", "System time (seconds)")):
        m = re.search(re.escape(label) + r": ([\d.]+)", text)
        if m:
            out[key] = float(m.group(1))
    return out


def run_task(t: Task, rep: int) -> dict:
    work_dir = tempfile.mkdtemp(prefix="vaebench.")
    try:
        subst = {"{TMP}": work_dir, "{RESULT}": os.path.join(work_dir, "result.json")}
        argv = [subst.get(a, a) if isinstance(a, str) else a for a in t.argv]
        argv = [a.replace("{TMP}", work_dir) for a in argv]
        time_file = os.path.join(work_dir, "time.txt")
        err_file = os.path.join(work_dir, "stderr.txt")
        env = dict(os.environ)
        for k, v in (t.env or {}).items():  # None removes an inherited variable
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        load0 = os.getloadavg()[0]
        t0 = time.perf_counter()
        with open(err_file, "wb") as err:
            p = subprocess.run(["/usr/bin/time", "-v", "-o", time_file] + argv,
                               stdout=subprocess.PIPE if t.capture else subprocess.DEVNULL,
                               stderr=err, env=env, cwd=HERE)
        wall = time.perf_counter() - t0
        rec = {"suite": t.suite, "work": t.work, "tool": t.tool, "role": t.role, "rep": rep,
               "argv": argv, "exit_code": p.returncode, "wall_s": wall, "loadavg_1m_before": load0,
               "loadavg_1m_after": os.getloadavg()[0], "amount": t.amount, "unit": t.unit}
        rec.update(parse_time_v(time_file))
        stdout = p.stdout.decode("utf-8", "replace") if t.capture else ""
        result = None
        rpath = subst["{RESULT}"]
        if os.path.exists(rpath):
            try:
                result = json.load(open(rpath))
            except ValueError:
                result = None
        if result is not None:
            rec["result"] = result
        if t.capture:
            rec["stdout_head"] = stdout[:2000]
        if p.returncode != 0:
            tail = open(err_file, "rb").read()[-1500:].decode("utf-8", "replace")
            rec["stderr_tail"] = tail
            warn(f"{t.tool} on {t.work} exited {p.returncode}:\n    " + tail.strip().replace("\n", "\n    "))
            return rec
        if t.throughput_from:
            got = t.throughput_from(result, stdout)
            if got is not None:
                rec["throughput"], extra = got
                rec.update(extra or {})
        elif t.amount is not None:
            rec["throughput"] = t.amount / 1e6 / wall
        if t.check:
            problems = t.check(stdout, result)
            if problems:
                rec["problems"] = problems
                for pr in problems:
                    warn(f"MISMATCH {t.tool} on {t.work}: {pr}")
        return rec
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)


def fmt_run(rec: dict) -> str:
    thr = rec.get("throughput")
    rss = rec.get("max_rss_kib")
    parts = [f"{rec['wall_s']:8.2f} s"]
    if thr is not None:
        parts.append(f"{report.fmt_num(thr)} {rec['unit']}")
    if rss is not None:
        parts.append(f"{rss / 1024:.0f} MiB")
    if rec["exit_code"] != 0:
        parts.append(f"EXIT {rec['exit_code']}")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------

class Context:
    def __init__(self, a):
        self.a = a
        self.quick = a.quick
        self.vae = a.vae if a.vae and os.access(a.vae, os.X_OK) else None
        self.py = a.venv_python if a.venv_python and os.access(a.venv_python, os.X_OK) else None
        self.gen_py = self.py or sys.executable
        self._has_sub: dict[str, bool] = {}
        self._has_mod: dict[str, bool] = {}
        self.notes: list[str] = []

    def note(self, msg: str) -> None:
        say(f"-- {msg}")
        self.notes.append(msg)

    def vae_has(self, sub: str) -> bool:
        if not self.vae:
            return False
        if sub not in self._has_sub:
            # ArgumentParser answers `help UNKNOWN` with the root help and exit 0, so the
            # subcommand's own usage line must be there too.
            r = subprocess.run([self.vae, "help", sub], capture_output=True, text=True)
            self._has_sub[sub] = r.returncode == 0 and f"vae-pipeline {sub}" in r.stdout.split("OPTIONS:")[0]
        return self._has_sub[sub]

    def py_has(self, *mods: str) -> bool:
        if not self.py:
            return False
        key = ",".join(mods)
        if key not in self._has_mod:
            r = subprocess.run([self.py, "-c", "import " + key], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            self._has_mod[key] = r.returncode == 0
            if r.returncode != 0:
                self.note(f"Python peer modules {key} not importable from {self.py}; those peers are skipped")
        return self._has_mod[key]

    def generate(self, *args: str) -> None:
        r = subprocess.run([self.gen_py, os.path.join(HERE, "generate.py"), *args])
        if r.returncode != 0:
            sys.exit(f"!! data generation failed: generate.py {' '.join(args)}")

    def csv(self, size: str, text: bool = False, accented: bool = False) -> dict:
        self.generate("csv", "--size", size, *(["--text"] if text else []), *(["--accented"] if accented else []))
        return json.load(open(os.path.join(DATA, f"quora_{size}{'_accented' if accented else ''}.json")))

    def csv_size(self) -> str:
        return self.a.size or ("2m" if self.quick else "1g")


def data_path(meta: dict, key: str) -> str:
    return os.path.join(DATA, meta["files"][key]["name"])


def missing_vae(ctx: Context, sub: str) -> str:
    if not ctx.vae:
        return "vae-pipeline not built: peer figures only"
    return f"vae-pipeline side not implemented yet (`vae-pipeline help {sub}` fails): peer figures only"


def inspect_check(meta):
    def fn(stdout, result):
        try:
            obj = json.loads(stdout)
        except ValueError:
            return [f"stdout is not one JSON object: {stdout[:200]!r}"]
        # inspect prints {"records": N, …}; tokenize --json prints its manifest {"counts": {"records": N}}.
        got = obj.get("records", obj.get("counts", {}).get("records") if isinstance(obj.get("counts"), dict) else None)
        if got != meta["records"]:
            return [f"records = {got}, generator recorded {meta['records']} (2 × {meta['rows']} rows)"]
        return []
    return fn


def pandas_check(meta):
    def fn(stdout, result):
        if result and result.get("records") != meta["records"]:
            return [f"pandas counted {result.get('records')} non-null questions, expected {meta['records']}"]
        return []
    return fn


def inspect_argv(vae, path):
    return [vae, "inspect", path, "--format", "csv", "--column", "question1", "--column", "question2",
            "--samples", "0", "--json"]


def suite_read(ctx: Context) -> list[Task]:
    size = ctx.csv_size()
    meta = ctx.csv(size)
    tasks = []
    have_vae = ctx.vae_has("inspect")
    if not have_vae:
        ctx.note("read: " + missing_vae(ctx, "inspect"))
    amount = meta["csv_bytes"]
    for comp in ("gz", "zst"):
        f = data_path(meta, comp)
        work = f"read quora_{size}.csv.{comp}"
        if have_vae:
            tasks.append(Task("read", work, "vae-pipeline inspect", inspect_argv(ctx.vae, f), role="vae",
                              amount=amount, capture=True, check=inspect_check(meta)))
        if comp == "gz":
            tasks.append(Task("read", work, "zcat", ["zcat", f], amount=amount))
            tasks.append(Task("read", work, "igzip -dc", ["igzip", "-dc", f], amount=amount))
            tasks.append(Task("read", work, "pigz -dc", ["pigz", "-dc", f], role="info", amount=amount))
        else:
            tasks.append(Task("read", work, "zstd -dc", ["zstd", "-dc", f], amount=amount))
        if ctx.py_has("pandas", "zstandard"):
            tasks.append(Task("read", work, "pandas read_csv", [ctx.py, "peers_read.py", f, "--result", "{RESULT}"],
                              amount=amount, check=pandas_check(meta)))
    return tasks


def suite_memory(ctx: Context) -> list[Task]:
    sizes = ["2m", "20m"] if ctx.quick else ["1g", "2g"]
    if not ctx.vae_has("inspect"):
        ctx.note("memory: " + missing_vae(ctx, "inspect") + " — nothing to measure")
        return []
    tasks = []
    for size in sizes:
        meta = ctx.csv(size)
        f = data_path(meta, "gz")
        tasks.append(Task("memory", f"memory quora_{size}.csv.gz", "vae-pipeline inspect", inspect_argv(ctx.vae, f),
                          role="vae", amount=meta["csv_bytes"], capture=True, check=inspect_check(meta)))
    if ctx.vae_has("train"):
        # train --stream: a full streaming vocabulary pass over the file, GloVe 50d, then training
        # steps streamed from it; the peak must not grow with the file.
        # Quick mode runs it once, as a smoke test: on 2 MB and 20 MB files the validation cap
        # (2,000 sentences) is not reached alike, so their peaks say nothing about flatness.
        steps = "20" if ctx.quick else "200"
        for size in sizes[-1:] if ctx.quick else sizes:
            f = data_path(ctx.csv(size), "gz")
            tasks.append(Task("memory", f"memory train --stream quora_{size}.csv.gz", "vae-pipeline train --stream",
                              train_stream_argv(ctx, f, ["--max-steps", steps]), role="vae", unit="tokens/s",
                              throughput_from=train_stream_rate))
    return tasks


def train_stream_argv(ctx: Context, csv_path: str, limits: list[str], pipeline_name: str = "quora-style-csv") -> list[str]:
    """`vae-pipeline train --stream pipelines/<pipeline_name>.yaml` on `csv_path` into {TMP}/run,
    then the steady-state training rate from its metrics.jsonl into {RESULT}."""
    pipeline = os.path.join(ROOT, "pipelines", pipeline_name + ".yaml")
    train = " ".join(shlex.quote(a) for a in [ctx.vae, "train", "--stream", pipeline, "--input", csv_path,
                                               "--out", "$1/run", "--quiet", *limits])
    summarise = ("import json,statistics,sys; r=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]; "
                 "t=[x for x in r if x['kind']=='train' and x['step']>=20 and x.get('tokens_per_second')]; "
                 "json.dump({'tokens_per_s': statistics.median(x['tokens_per_second'] for x in t) if t else None, "
                 "'steps': max((x['step'] for x in r), default=0)}, open(sys.argv[2],'w'))")
    script = (train.replace("'$1/run'", '"$1/run"') + f' && {shlex.quote(sys.executable)} -c {shlex.quote(summarise)} '
              '"$1/run/metrics.jsonl" "$1/result.json"')
    return ["sh", "-c", script, "sh", "{TMP}"]


def train_stream_rate(result, stdout):
    if not result or result.get("tokens_per_s") is None:
        return None
    return result["tokens_per_s"], {"steps": result["steps"]}


def suite_tokenize(ctx: Context) -> list[Task]:
    size = ctx.csv_size()
    text_size = "2m" if ctx.quick else "20m"
    tasks = []
    # The plain stream, and its accented twin (every "e" → "é"): the same words with one letter
    # in ten outside ASCII, to compare the cost per byte of non-ASCII text.
    for accented in (False, True):
        meta = ctx.csv(size, accented=accented)
        tmeta = ctx.csv(text_size, text=True, accented=accented)
        f = data_path(meta, "gz")
        work = f"tokenize {os.path.basename(f)}"
        amount = meta["question_text_bytes"]
        if ctx.vae_has("tokenize"):
            tasks.append(Task("tokenize", work, "vae-pipeline tokenize",
                              [ctx.vae, "tokenize", f, "--format", "csv", "--column", "question1", "--column", "question2",
                               "--level", "word", "--lowercase", "--max-vocab", "12000", "--max-length", "15",
                               "--out", "{TMP}/out", "--overwrite", "--json"], role="vae", amount=amount,
                              capture=True, check=inspect_check(meta)))
        elif not accented:
            ctx.note("tokenize: " + missing_vae(ctx, "tokenize"))
        # The Python peers run on the plain stream only (their per-byte cost hardly depends on it).
        if not accented and ctx.py_has("pandas", "icu", "numpy"):
            tasks.append(Task("tokenize", work, "PyICU BreakIterator loop",
                              [ctx.py, "peers_tokenize.py", "icu", f, "--out", "{TMP}/out", "--result", "{RESULT}"],
                              amount=amount))
        if not accented and ctx.py_has("pandas", "tokenizers", "numpy"):
            tasks.append(Task("tokenize", work, "HF tokenizers WordLevel",
                              [ctx.py, "peers_tokenize.py", "hf", f, "--out", "{TMP}/out", "--result", "{RESULT}"],
                              amount=amount))
        if not accented and ctx.py_has("pandas", "numpy"):
            tasks.append(Task("tokenize", work, "Keras-style Python",
                              [ctx.py, "peers_tokenize.py", "keras", f, "--out", "{TMP}/out", "--result", "{RESULT}"],
                              amount=amount))
        if ctx.a.icu_loop and os.access(ctx.a.icu_loop, os.X_OK):
            txt = data_path(tmeta, "txt")

            def icu_rate(result, stdout):
                obj = json.loads(stdout)
                return 2 * obj["mb_per_s"], {"single_core_mb_per_s": obj["mb_per_s"], "icu_loop": obj}

            tasks.append(Task("tokenize", work, "ICU C loop, 2 × one-core rate (ceiling)",
                              [ctx.a.icu_loop, txt, "0.5" if ctx.quick else "3"], amount=None,
                              throughput_from=icu_rate, capture=True))

            # The same loop as two processes at once, the rates summed: both cores busy, as
            # vae-pipeline's are. A core running alone may clock higher than two busy ones, so
            # doubling one core's rate can overstate what the two cores give together.
            def icu_pair_rate(result, stdout):
                runs = [json.loads(line) for line in stdout.splitlines() if line.strip().startswith("{")]
                if len(runs) != 2:
                    return None
                return sum(run["mb_per_s"] for run in runs), {"icu_loops": runs}

            seconds = "0.5" if ctx.quick else "3"
            pair = f'"$0" "$1" {seconds} & "$0" "$1" {seconds}; wait'
            tasks.append(Task("tokenize", work, "ICU C loop, two processes at once (two cores)",
                              ["sh", "-c", pair, ctx.a.icu_loop, txt], amount=None,
                              throughput_from=icu_pair_rate, capture=True))
        elif not accented:
            ctx.note("tokenize: ICU C loop not compiled (needs cc, libicu-dev, pkg-config): ceiling skipped")
    return tasks


def suite_vocab(ctx: Context) -> list[Task]:
    size = ctx.csv_size()
    meta = ctx.csv(size)
    f = data_path(meta, "gz")
    work = f"vocab quora_{size}.csv.gz"
    amount = meta["question_text_bytes"]
    tasks = []
    if ctx.vae_has("vocab"):
        tasks.append(Task("vocab", work, "vae-pipeline vocab",
                          [ctx.vae, "vocab", f, "--format", "csv", "--column", "question1", "--column", "question2",
                           "--level", "word", "--lowercase", "--max-vocab", "12000", "--out", "{TMP}/vocab.json"],
                          role="vae", amount=amount))
    else:
        ctx.note("vocab: " + missing_vae(ctx, "vocab"))
    if ctx.py_has("pandas"):
        tasks.append(Task("vocab", work, "Python Counter (pandas chunks)",
                          [ctx.py, "peers_vocab.py", "counter", f, "--out", "{TMP}/vocab.json", "--result", "{RESULT}"],
                          amount=amount))
    if ctx.py_has("pandas", "tokenizers"):
        tasks.append(Task("vocab", work, "HF tokenizers trainer",
                          [ctx.py, "peers_vocab.py", "hf", f, "--out", "{TMP}/vocab.json", "--result", "{RESULT}"],
                          amount=amount))
    return tasks


def vae_vocab_json(ctx: Context) -> str | None:
    """The vae embeddings command takes the vocabulary JSON its own vocab command writes."""
    env = os.environ.get("VAE_VOCAB_JSON")
    if env:
        return env if os.path.exists(env) else None
    path = os.path.join(DATA, "vocab12k.vae.json")
    if os.path.exists(path):
        return path
    if not ctx.vae_has("vocab"):
        return None
    meta = ctx.csv("20m")
    r = subprocess.run([ctx.vae, "vocab", data_path(meta, "gz"), "--format", "csv", "--column", "question1",
                        "--column", "question2", "--level", "word", "--lowercase", "--max-vocab", "12000",
                        "--out", path])
    return path if r.returncode == 0 and os.path.exists(path) else None


def suite_embeddings(ctx: Context) -> list[Task]:
    rows = 20_000 if ctx.quick else 400_000
    if not ctx.py_has("numpy"):
        ctx.note("embeddings: the GloVe-format generator needs numpy (venv); suite skipped")
        return []
    ctx.generate("vocab")
    ctx.generate("glove", "--rows", str(rows))
    name = "glove.gen" if rows == 400_000 else f"glove.gen{rows // 1000}k"
    gmeta = json.load(open(os.path.join(DATA, f"{name}.300d.json")))
    txt, zpath = data_path(gmeta, "txt"), data_path(gmeta, "zip")
    vocab = os.path.join(DATA, "vocab12k.txt")
    amount = gmeta["files"]["txt"]["bytes"]
    tasks = []
    wt, wz = f"embeddings {name}.300d.txt", f"embeddings {name}.300d.zip"
    if ctx.vae_has("embeddings"):
        vj = vae_vocab_json(ctx)
        if vj:
            for work, path in ((wt, txt), (wz, zpath)):
                tasks.append(Task("embeddings", work, "vae-pipeline embeddings",
                                  [ctx.vae, "embeddings", "--vocab", vj, "--vectors", path, "--out", "{TMP}/M.npy"],
                                  role="vae", amount=amount))
        else:
            ctx.note("embeddings: no vocabulary JSON for vae-pipeline (set VAE_VOCAB_JSON or provide "
                     "`vae-pipeline vocab`): vae side skipped")
    else:
        ctx.note("embeddings: " + missing_vae(ctx, "embeddings"))
    if ctx.py_has("gensim", "numpy"):
        tasks.append(Task("embeddings", wt, "gensim load_word2vec_format",
                          [ctx.py, "peers_embeddings.py", "gensim", txt, "--vocab", vocab, "--out", "{TMP}/M.npy",
                           "--result", "{RESULT}"], amount=amount))
    tasks.append(Task("embeddings", wt, "Python streaming filter",
                      [ctx.py, "peers_embeddings.py", "stream", txt, "--vocab", vocab, "--out", "{TMP}/M.npy",
                       "--result", "{RESULT}"], amount=amount))
    tasks.append(Task("embeddings", wz, "Python zipfile + filter",
                      [ctx.py, "peers_embeddings.py", "zip", zpath, "--vocab", vocab, "--out", "{TMP}/M.npy",
                       "--result", "{RESULT}"], amount=amount))
    return tasks


def model_benchmark_path(ctx: Context) -> str | None:
    """vae-pipeline's model-benchmark: next to the vae-pipeline binary (run.sh builds both into
    .build-release), else in the repository's .build-release; VAE_MODEL_BENCHMARK overrides both."""
    candidates = [os.environ["VAE_MODEL_BENCHMARK"]] if os.environ.get("VAE_MODEL_BENCHMARK") else []
    if ctx.vae:
        candidates.append(os.path.join(os.path.dirname(ctx.vae), "model-benchmark"))
    candidates.append(os.path.join(os.path.dirname(os.path.dirname(HERE)), ".build-release", "release", "model-benchmark"))
    for c in candidates:
        if os.access(c, os.X_OK):
            return c
    return None


# Models that vae-pipeline's model-benchmark implements; the others are timed in PyTorch only.
VAE_TRAIN_MODELS = ("sentence_vae", "bowman", "vrnn", "char_rvae")


def suite_train(ctx: Context) -> list[Task]:
    if not ctx.py_has("torch"):
        ctx.note("train: torch not importable from the venv: suite skipped")
        return []
    mb = model_benchmark_path(ctx)
    if mb:
        ctx.note("train: vae-pipeline (model-benchmark, forward + backward + clip + Adam; word models on random Zipf "
                 "batches with lengths 5–15, vrnn and char_rvae on tiny Shakespeare windows as torch_models.py; every "
                 "model as 2 data-parallel slices on 2 cores, as train does) vs PyTorch for "
                 + ", ".join(VAE_TRAIN_MODELS) + "; ratio = ours / PyTorch")
    else:
        ctx.note("train: model-benchmark not built (swift build -c release --product model-benchmark "
                 "--scratch-path .build-release): PyTorch figures only")
    ctx.csv("2m", text=True)
    ctx.generate("vocab")
    ctx.generate("chars")
    seconds = ctx.a.train_seconds or (3.0 if ctx.quick else 20.0)
    warmup = "1" if ctx.quick else "3"
    tasks = []
    # PyTorch runs in two OpenMP wait policies, alternated like any two peers: libgomp's default
    # spin-waiting is fastest on a quiet machine, but 5–30× slower as soon as anything else runs on
    # the 2 cores (measured VRNN: 37,500 chars/s default vs 16,100 passive at load 1.2; 4,200
    # default vs 28,000 passive at load 4). Compare vae-pipeline with the faster of the two.
    ctx.note("train: PyTorch runs with 2 threads in both OpenMP wait policies (libgomp default = spin, "
             "and OMP_WAIT_POLICY=PASSIVE); the faster one is PyTorch's figure for that moment")

    def rate(result, stdout):
        if not result:
            return None
        extra = {"positions_per_s": result["positions_per_s"], "steps": result["steps"]}
        if "seconds_per_step" in result:
            extra["seconds_per_step"] = result["seconds_per_step"]
        if "effective_flops_per_position" in result:
            extra["flops_per_position"] = result["effective_flops_per_position"]
        return result["tokens_per_s"], extra

    if ctx.vae_has("train"):
        # The whole pipeline (read gzip CSV → ICU tokenize → batch → train) against PyTorch's
        # sentence_vae on prepared tensors: seed 004's configuration in pipelines/quora-style-csv.yaml.
        f = data_path(ctx.csv("2m" if ctx.quick else "20m"), "gz")
        tasks.append(Task("train", "whole pipeline, seed-004 sentence VAE (compare with train sentence_vae)", "vae-pipeline train --stream",
                          train_stream_argv(ctx, f, ["--max-minutes", f"{seconds / 60:.3f}"]), role="vae",
                          unit="tokens/s", throughput_from=train_stream_rate))
        # The same for Bowman et al.'s configuration (pipelines/bowman-quora-csv.yaml) against
        # PyTorch's bowman.
        tasks.append(Task("train", "whole pipeline, Bowman sentence VAE (compare with train bowman)", "vae-pipeline train --stream",
                          train_stream_argv(ctx, f, ["--max-minutes", f"{seconds / 60:.3f}"], "bowman-quora-csv"), role="vae",
                          unit="tokens/s", throughput_from=train_stream_rate))
    if ctx.vae_has("batches"):
        # Batching overhead: the stages alone (shards → split → shuffle 10k → buckets → padded
        # batches of 100) must run at ≥ 20× the trainer's sequences/s. Shards are made once here.
        meta = ctx.csv("2m" if ctx.quick else "20m")
        shards = os.path.join(DATA, f"shards_{meta.get('size', 'csv')}_{os.path.basename(data_path(meta, 'gz'))}")
        if not os.path.exists(os.path.join(shards, "manifest.json")):
            subprocess.run([ctx.vae, "tokenize", data_path(meta, "gz"), "--format", "csv", "--column", "question1",
                            "--column", "question2", "--lowercase", "--max-vocab", "12000", "--out", shards, "--overwrite"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def batch_rate(result, stdout):
            try:
                got = json.loads(stdout)
            except ValueError:
                return None
            return got["rowsPerSecond"], {"padding_efficiency": got["paddingEfficiency"], "batches": got["report"]["batches"]}

        tasks.append(Task("train", "batching overhead (sequences/s; trainer ≈ 500–1,000)", "vae-pipeline batches",
                          [ctx.vae, "batches", "--shards", shards, "--batch-size", "100", "--max-length", "15",
                           "--over-length", "drop", "--buckets", "6,9,12", "--shuffle-buffer", "10000",
                           "--split", "train", "--validation-fraction", "0.02", "--epochs", "3", "--json"],
                          role="vae", unit="sequences/s", throughput_from=batch_rate, capture=True))
    if mb:
        # The GEMM ceiling the models' effective GFLOP/s are read against (#6: "next to
        # cblas_sgemm's peak measured on the same machine").
        def gflops(result, stdout):
            return (result["gflops"], {}) if result else None

        tasks.append(Task("train", "train cblas_sgemm 512³ (the GEMM peak)", "vae-pipeline model-benchmark gemm-peak",
                          [mb, "gemm-peak", "--seconds", "1" if ctx.quick else "3", "--threads", "2", "--result", "{RESULT}"],
                          role="info", unit="GFLOP/s", throughput_from=gflops))
    for model, label in (("sentence_vae", "tokens/s"), ("bowman", "tokens/s"), ("vrnn", "chars/s"),
                         ("char_rvae", "chars/s")):
        if mb and model in VAE_TRAIN_MODELS:
            tasks.append(Task("train", f"train {model}", "vae-pipeline model-benchmark",
                              [mb, model, "--seconds", str(seconds), "--threads", "2", "--warmup", warmup,
                               "--data", os.path.join(DATA, "tiny_shakespeare.txt"), "--result", "{RESULT}"],
                              role="vae", unit=label, throughput_from=rate))
        for tool, policy in (("PyTorch CPU", None), ("PyTorch CPU, OMP passive", "PASSIVE")):
            env = {"PYTHONWARNINGS": "ignore", "OMP_WAIT_POLICY": policy}
            tasks.append(Task("train", f"train {model}", tool,
                              [ctx.py, "torch_models.py", "bench", model, "--seconds", str(seconds),
                               "--warmup", warmup, "--result", "{RESULT}"],
                              unit=label, throughput_from=rate, env=env))
    return tasks


SUITES = {"read": suite_read, "memory": suite_memory, "tokenize": suite_tokenize, "vocab": suite_vocab,
          "embeddings": suite_embeddings, "train": suite_train}


def git_info() -> str:
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain"], capture_output=True, text=True).stdout
        return head + (" dirty" if dirty.strip() else "")
    except OSError:
        return "unknown"


def numeric_paths(vae: str | None) -> dict:
    """What the numbers depend on, as vae-pipeline reports it: the CPU (family, model, vector
    instruction sets), the instruction set of NeuralCore's own kernels and the OpenBLAS core."""
    if not vae:
        return {}
    try:
        out = subprocess.run([vae, "--version"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    info = {}
    for line in out.splitlines():
        key, _, value = line.partition(": ")
        if key in ("CPU", "Kernels", "BLAS") and value:
            info[key.lower()] = value.strip()
    return info


def machine_info(vae: str | None = None) -> dict:
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024 // 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": mem, "kernel": os.uname().release,
            "numeric_paths": numeric_paths(vae)}


def peer_versions(ctx: Context) -> dict:
    out = {}
    for tool, cmd in (("gzip", ["gzip", "--version"]), ("zstd", ["zstd", "--version"]),
                      ("pigz", ["pigz", "--version"]), ("igzip", ["igzip", "--version"])):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
            first = (r.stdout or r.stderr).splitlines()[0]
            m = re.search(r"v?(\d+\.\d+(\.\d+)?)", first)
            out[tool] = m.group(1) if m else first.strip()
        except (OSError, IndexError):
            pass
    if ctx.py:
        code = ("import importlib.metadata as m, json\nv={}\n"
                "for p in ['numpy','pandas','PyICU','tokenizers','gensim','torch','zstandard']:\n"
                "    try: v[p]=m.version(p)\n    except Exception: pass\nprint(json.dumps(v))")
        r = subprocess.run([ctx.py, "-c", code], capture_output=True, text=True)
        if r.returncode == 0:
            out.update(json.loads(r.stdout))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--suites", default=",".join(ALL_SUITES))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--vae")
    ap.add_argument("--vae-note", default="")
    ap.add_argument("--venv-python")
    ap.add_argument("--icu-loop")
    ap.add_argument("--size", choices=["2m", "20m", "1g", "2g"], help="CSV size for read/tokenize/vocab")
    ap.add_argument("--train-seconds", type=float)
    ap.add_argument("--command", default=" ".join(sys.argv))
    a = ap.parse_args()
    suites = [s for s in a.suites.split(",") if s]
    bad = [s for s in suites if s not in SUITES]
    if bad:
        sys.exit(f"!! unknown suite(s): {', '.join(bad)} (known: {', '.join(ALL_SUITES)})")
    ctx = Context(a)
    if a.vae_note:
        ctx.note(a.vae_note)
    started = dt.datetime.now(dt.timezone.utc)
    runs = []
    for suite in suites:
        say(f"\n=== {suite} ===")
        tasks = SUITES[suite](ctx)
        if not tasks:
            continue
        warm_page_cache(tasks)
        for rep in range(a.reps):
            for t in tasks:  # alternation: A B C A B C …
                rec = run_task(t, rep)
                runs.append(rec)
                say(f"  [{rep + 1}/{a.reps}] {t.work:38s} {t.tool:40s} {fmt_run(rec)}")
    meta = {
        "date_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "finished_utc": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "git": git_info(), "command": a.command, "machine": machine_info(ctx.vae), "quick": a.quick,
        "reps": a.reps, "suites": suites, "vae": ctx.vae, "notes": ctx.notes, "versions": peer_versions(ctx),
        "loadavg_at_end": os.getloadavg(),
    }
    doc = {"meta": meta, "runs": runs}
    os.makedirs(os.path.join(RESULTS, "runs"), exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    for path in (os.path.join(RESULTS, "runs", f"{stamp}.json"), os.path.join(RESULTS, "latest.json")):
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
    md = report.render(doc)
    with open(os.path.join(RESULTS, "latest.md"), "w") as f:
        f.write(md)
    say("")
    say(report.render_terminal(doc))
    say(f"\nwritten: {os.path.relpath(os.path.join(RESULTS, 'latest.md'), ROOT)}, "
        f"{os.path.relpath(os.path.join(RESULTS, 'latest.json'), ROOT)}, "
        f"{os.path.relpath(os.path.join(RESULTS, 'runs', stamp + '.json'), ROOT)}")
    if any(r.get("problems") for r in runs):
        say("!! some runs reported MISMATCHES (see above and the table)")
        sys.exit(3)


if __name__ == "__main__":
    main()
