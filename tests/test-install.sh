#!/bin/sh
# What 'make install' puts on a system, as a packager checks it: the
# library without its libtool archive, the header and pkg-config file, the
# tools, the three manual pages, LICENSE, the documentation and examples.
set -u
B="${top_builddir:-.}"
S="${top_srcdir:-.}"
. "$S/tests/cli-lib.sh"

dest="$tmp/root"
check install 0 ${MAKE:-make} -C "$B" install DESTDIR="$dest" prefix=/usr \
	docdir=/usr/share/doc/libeeh
check no-la 0 test -z "$(find "$dest" -name '*.la')"
check so-installed 0 test -n "$(find "$dest/usr/lib" -name 'libeeh.so.0*')"
for f in include/libeeh.h bin/eehctl bin/eeh-inject share/man/man3/libeeh.3 \
	share/man/man8/eehctl.8 share/man/man8/eeh-inject.8 share/doc/libeeh/LICENSE \
	share/doc/libeeh/README.md share/doc/libeeh/topology.md share/doc/libeeh/scenarios.md \
	share/doc/libeeh/examples/thaw.json share/doc/libeeh/examples/vmm-example.c \
	share/doc/libeeh/schema/tools.schema.json; do
	check "installed $f" 0 test -s "$dest/usr/$f"
done
check pc-installed 0 test -n "$(find "$dest/usr/lib" -name libeeh.pc)"
# LICENSE is the license the sources name
check license-text 0 grep -q "GNU LESSER GENERAL PUBLIC LICENSE" "$dest/usr/share/doc/libeeh/LICENSE"
check license-version 0 grep -q "Version 2.1, February 1999" "$dest/usr/share/doc/libeeh/LICENSE"
check sources-name-it 0 grep -q "SPDX-License-Identifier: LGPL-2.1-or-later" "$S/lib/libeeh.h"
# and 'make uninstall' takes it all away again (the .so too, without the .la)
check uninstall 0 ${MAKE:-make} -C "$B" uninstall DESTDIR="$dest" prefix=/usr \
	docdir=/usr/share/doc/libeeh
check nothing-left 0 test -z "$(find "$dest" -type f -o -type l)"
finish test-install
