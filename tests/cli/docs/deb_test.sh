#!/usr/bin/env bash
# `cpack -G DEB` builds okr_VERSION_ARCH.deb: its Depends are computed from the binary
# (dpkg-shlibdeps), it has a maintainer and a description, and it holds the binary, the man
# pages and the completion scripts under /usr.  usage: deb_test.sh BUILD_DIR VERSION
set -euo pipefail
build=$1 version=$2
for tool in dpkg-deb dpkg-shlibdeps file; do
  command -v "$tool" >/dev/null || {
    echo "SKIPPED: $tool is not installed (apt-get install dpkg-dev file, or bash .ci/deps --test)"; exit 77; }
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" 2>&1 || { cat "$out/cpack.log"; exit 1; }
debs=("$out"/okr_"$version"_*.deb)
[ -f "${debs[0]}" ] || { echo "no okr_${version}_*.deb in $(ls "$out")"; exit 1; }
deb=${debs[0]}
fail=0
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = okr ] || { echo "Package: $(field Package)"; fail=1; }
[ "$(field Version)" = "$version" ] || { echo "Version: $(field Version), expected $version"; fail=1; }
[ -n "$(field Maintainer)" ] || { echo "no Maintainer"; fail=1; }
[ -n "$(field Description)" ] || { echo "no Description"; fail=1; }
depends=$(field Depends)
# The libraries okr loads: each must be a dependency, with a version from its shlibs file.
# (toml++ is compiled in from patched headers, see third_party/tomlplusplus: no libtomlplusplus;
# fmt, utf8proc, xxHash and the C++ runtime (libstdc++, libgcc_s) are linked statically, so the
# package does not depend on them.)
for lib in 'libc6'; do
  grep -Eq "(^|, )$lib \(>= " <<<"$depends" || { echo "Depends lacks $lib: $depends"; fail=1; }
done
for lib in 'libfmt[0-9]+' 'libutf8proc[0-9]+' 'libxxhash[0-9]+' 'libstdc\+\+6' 'libgcc-s1'; do
  ! grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || { echo "Depends has $lib, linked statically: $depends"; fail=1; }
done
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/okr ./usr/share/man/man1/okr.1.gz ./usr/share/man/man5/okr-format.5.gz \
         ./usr/share/man/man7/okr-scoring.7.gz ./usr/share/bash-completion/completions/okr \
         ./usr/share/zsh/vendor-completions/_okr ./usr/share/fish/vendor_completions.d/okr.fish; do
  grep -qxF "$f" <<<"$contents" || { echo "the package lacks $f"; fail=1; }
done
echo "$(basename "$deb"): Depends: $depends"
exit $fail
