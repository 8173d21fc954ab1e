#!/bin/sh
# Install Rapport's bundle (dist/Rapport), icon, .desktop file and AppStream metadata for the
# current user, so it shows in the application menu and opens .vcf and .ics files; or remove them.
#   sh packaging/linux/install.sh install | uninstall
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
app=$data/rapport/app

refresh() {
    command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
    command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
}

case "${1:-install}" in
install)
    [ -x "$root/dist/Rapport/rapport" ] || { echo "No bundle in dist/Rapport: run 'make package' first" >&2; exit 1; }
    rm -rf "$app"
    mkdir -p "$app" "$bin" "$data/applications" "$data/metainfo" "$data/icons/hicolor/scalable/apps"
    cp -a "$root/dist/Rapport/." "$app/"
    ln -sf "$app/rapport" "$bin/rapport"
    for size in 16 24 32 48 64 128 256 512; do
        mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
        cp "$root/resources/icons/rapport-$size.png" "$data/icons/hicolor/${size}x${size}/apps/rapport.png"
    done
    cp "$root/resources/icons/rapport.svg" "$data/icons/hicolor/scalable/apps/rapport.svg"
    # The menu entry runs the installed binary by its full path (~/.local/bin may not be on PATH).
    sed -e "s|^Exec=rapport|Exec=$app/rapport|" -e "s|^TryExec=rapport|TryExec=$app/rapport|" \
        "$here/rapport.desktop" > "$data/applications/rapport.desktop"
    cp "$here/io.github.rapport.Rapport.metainfo.xml" "$data/metainfo/"
    refresh
    echo "Rapport installed in $app; it is in the application menu and opens .vcf and .ics files."
    ;;
uninstall)
    rm -rf "$data/rapport/app"
    rm -f "$bin/rapport" "$data/applications/rapport.desktop" "$data/metainfo/io.github.rapport.Rapport.metainfo.xml" \
          "$data/icons/hicolor/scalable/apps/rapport.svg"
    for size in 16 24 32 48 64 128 256 512; do
        rm -f "$data/icons/hicolor/${size}x${size}/apps/rapport.png"
    done
    refresh
    echo "Rapport removed (your notebook, in $data/Rapport, is kept)."
    ;;
*)
    echo "usage: $0 install|uninstall" >&2
    exit 2
    ;;
esac
