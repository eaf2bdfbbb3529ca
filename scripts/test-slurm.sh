#!/usr/bin/env bash
# Runs docs/examples/slurm-tokenize.sbatch on a real single-node Slurm started here, and checks
# that the sharded vocabulary and dataset equal a single run's, byte for byte.
#
# Needs root (munged and slurmd run as daemons) and Debian's slurm-wlm and munge, which it
# installs when missing. Not part of scripts/test.sh: it changes the machine (packages, daemons
# in /run/munge) and depends on the package mirror. About 15 s once installed.
#
#   bash scripts/test-slurm.sh            # uses .build/debug/vae-pipeline (swift build first)
#   SHARDS=4 bash scripts/test-slurm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VAE_PIPELINE=${VAE_PIPELINE:-$ROOT/.build/debug/vae-pipeline}
SHARDS=${SHARDS:-3}
[ -x "$VAE_PIPELINE" ] || { echo "no executable at $VAE_PIPELINE; run swift build first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "test-slurm.sh starts munged and slurmd and must run as root" >&2; exit 1; }
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

WORK=$(mktemp -d /tmp/vae-slurm.XXXXXX)
STARTED=()
cleanup() {
    # Only the daemons this script started, by their recorded process ids.
    for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

# munge: the key Debian's package made, the default socket slurm looks for.
if ! munge -n >/dev/null 2>&1; then
    mkdir -p /run/munge /var/log/munge /var/lib/munge
    chown munge:munge /run/munge /var/log/munge /var/lib/munge
    [ -f /etc/munge/munge.key ] || { mungekey --create >/dev/null 2>&1 || /usr/sbin/create-munge-key -f; chown munge:munge /etc/munge/munge.key; }
    runuser -u munge -- /usr/sbin/munged
    sleep 1
    STARTED+=("$(cat /run/munge/munged.pid)")
fi

# A one-node cluster with its own ports, state and logs under $WORK.
HOST=$(hostname -s)
export SLURM_CONF=$WORK/slurm.conf
mkdir -p "$WORK/state" "$WORK/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=vaetest
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
SlurmctldPort=46817
SlurmdPort=46818
AuthType=auth/munge
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld -f "$SLURM_CONF"
sleep 1
STARTED+=("$(cat "$WORK/slurmctld.pid")")
/usr/sbin/slurmd -f "$SLURM_CONF"
for _ in $(seq 50); do
    [ -f "$WORK/slurmd.pid" ] && sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 0.2
done
STARTED+=("$(cat "$WORK/slurmd.pid")")
sinfo -h -o %t | grep -q idle || { echo "slurmd did not come up; see $WORK/slurmd.log" >&2; cat "$WORK"/*.log >&2; exit 1; }

# A corpus of six gzip files (so each of up to six tasks gets whole files).
mkdir -p "$WORK/corpus"
{ gzip -dc corpora/web_sentences.txt.gz || true; } | head -6000 | split -l 1000 - "$WORK/corpus/part-"
gzip "$WORK"/corpus/part-*
export CORPUS_GLOB="$WORK/corpus/*.gz" WORK VAE_PIPELINE
export TOKENIZER_OPTIONS=--lowercase VOCABULARY_OPTIONS="--max-vocab 2000 --min-count 2" SEQUENCE_OPTIONS="--max-length 30"
SCRIPT=$ROOT/docs/examples/slurm-tokenize.sbatch
cd "$WORK"
LAST=$((SHARDS - 1))
count=$(sbatch --parsable --array=0-$LAST --export=ALL,STAGE=count "$SCRIPT")
vocab=$(sbatch --parsable --dependency=afterok:$count --export=ALL,STAGE=vocab "$SCRIPT")
shards=$(sbatch --parsable --array=0-$LAST --dependency=afterok:$vocab --export=ALL,STAGE=tokenize "$SCRIPT")
sbatch --wait --parsable --dependency=afterok:$shards --export=ALL,STAGE=merge "$SCRIPT" >/dev/null \
    || { echo "the job chain failed:" >&2; cat "$WORK"/vae-tokenize-*.out >&2; exit 1; }

# The same corpus in one process.
export LC_ALL=C
mkdir -p "$WORK/single"
# shellcheck disable=SC2086
"$VAE_PIPELINE" vocab $CORPUS_GLOB --lowercase --max-vocab 2000 --min-count 2 --out "$WORK/single/vocab.json" >/dev/null
# shellcheck disable=SC2086
"$VAE_PIPELINE" tokenize $CORPUS_GLOB --lowercase --max-vocab 2000 --min-count 2 --max-length 30 --out "$WORK/single/tokens" >/dev/null
cmp "$WORK/vocab.json" "$WORK/single/vocab.json"
python3 - "$WORK/dataset" "$WORK/single/tokens" <<'PY'
import json, os, sys
import numpy as np
def sequences(directory):
    manifest = json.load(open(os.path.join(directory, "manifest.json")))
    ids = [np.load(os.path.join(directory, s["ids"])) for s in manifest["shards"]]
    offsets = [np.load(os.path.join(directory, s["offsets"])) for s in manifest["shards"]]
    return manifest, np.concatenate(ids), np.concatenate([o[1:] - o[0] + sum(len(i) for i in ids[:n]) for n, o in enumerate(offsets)])
merged, single = sequences(sys.argv[1]), sequences(sys.argv[2])
assert merged[0]["records_checksum"] == single[0]["records_checksum"], "records checksums differ"
assert np.array_equal(merged[1], single[1]) and np.array_equal(merged[2], single[2]), "ids differ"
print(f"slurm: {len(merged[0]['shards'])} shard files, {len(merged[2])} sequences, ids identical to one tokenize")
PY
echo "test-slurm.sh: $SHARDS array tasks per stage on a one-node Slurm: vocabulary and dataset identical to single runs"
