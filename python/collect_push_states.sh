#!/usr/bin/env bash
# IBC's pushing_states data (ibc/configs/pushing_states/collect_data.sh: 10 replicas of 200 oracle episodes),
# one shard at a time so an interrupted collection resumes where it stopped: rerun the same command.
#   python/collect_push_states.sh PYTHON IBC_ROOT OUT_DIR
# Shard i is written with --seed=i (IBC seeds from OS entropy; a fixed seed makes the data reproducible) and is
# marked done by OUT_DIR/oracle_push_<i>.tfrecord.done once complete.
set -euo pipefail
python="$1"; ibc_root="$2"; out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$out"
for i in 0 1 2 3 4 5 6 7 8 9; do
  shard="$out/oracle_push_$i.tfrecord"
  [ -f "$shard.done" ] && continue
  "$here/ibc4j" collect --task=PUSH --policy=oracle_push --num_episodes=200 --replicas=1 --seed="$i" \
    --use_image_obs=False --python="$python" --ibc_root="$ibc_root" --dataset_path="$shard"
  touch "$shard.done"
done
echo "all 10 shards in $out"
