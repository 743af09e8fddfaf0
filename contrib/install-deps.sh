#!/bin/sh
# Installs the Debian packages git-para needs to build, test and document.
# As root it runs apt-get; otherwise it prints the command to run.

packages="build-essential pkg-config git libgit2-dev libpcre2-dev \
libiniparser-dev libcmocka-dev sharness asciidoctor jq tmux man-db zsh \
bsdutils procps python3 xfsprogs e2fsprogs slurm-wlm munge \
clang libclang-rt-14-dev"

missing=
for p in $packages; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q 'install ok installed' || missing="$missing $p"
done

if test -z "$missing"; then
	echo "git-para: all build dependencies are installed"
	exit 0
fi

if test "$(id -u)" = 0; then
	export DEBIAN_FRONTEND=noninteractive
	# slurm-wlm and munge must not start daemons of their own: the tests
	# start theirs (contrib/slurm/one-node.sh)
	policy=/usr/sbin/policy-rc.d
	if ! test -e $policy; then
		printf '#!/bin/sh\nexit 101\n' >$policy &&
		chmod 755 $policy &&
		trap 'rm -f $policy' EXIT
	fi
	apt-get update -qq &&
	apt-get install -y -qq --no-install-recommends $missing
else
	echo "git-para: missing packages:$missing"
	echo "run: sudo apt-get install -y$missing"
	exit 1
fi
