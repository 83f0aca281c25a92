#!/usr/bin/env bash
# Installs everything nnr needs from Debian 12's archive. Safe to run twice: it installs only what is
# missing. Usage: scripts/setup.sh   (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  # build
  cmake g++ ninja-build ccache pkg-config git
  # core libraries
  libavcodec-dev libavformat-dev libavutil-dev libswresample-dev   # FFmpeg: decode, MP3 round trip
  librubberband-dev                                                # tempo and pitch shift
  libebur128-dev                                                   # EBU R128 loudness
  libsndfile1-dev                                                  # WAV/FLAC output
  libeigen3-dev libcli11-dev nlohmann-json3-dev libspdlog-dev
  libfftw3-dev                                                     # the real FFT of the features
  libgtest-dev libbenchmark-dev
  # neural networks (CPU LibTorch) and a fast BLAS for it
  libtorch-dev libopenblas0-openmp
  # demo corpus: soundfont rendering, singing voice, ambient noise
  libfluidsynth-dev fluid-soundfont-gm festival festvox-kallpc16k espeak-ng etw-data
  # demo corpus: real produced music for AE training and the test set (game soundtracks, 110 MB)
  frozen-bubble-data singularity-music drascula-music
  # figures and the PyTorch comparison benchmark
  python3 python3-numpy python3-pandas python3-matplotlib python3-torch
  python3-sklearn                                                  # t-SNE of Figures 9 and 14
  # the paper's statistical analysis (GAMs, ANOVA, marginal means) and the report page's browser test
  r-base-core r-cran-mgcv r-cran-emmeans chromium
  # a real local Slurm cluster for the cluster-script test (label slow)
  slurm-wlm munge
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
