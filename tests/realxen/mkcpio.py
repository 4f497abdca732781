#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""mkcpio.py DIR OUT: write DIR's tree as a cpio "newc" archive (an
initramfs), in sorted order, owned by root, mtime 0. Directories, regular
files and symbolic links only (what mkinitramfs.sh puts there)."""
import os
import stat
import sys


def header(out, ino, mode, size, name, nlink=1):
    data = name.encode() + b'\0'
    fields = (ino, mode, 0, 0, nlink, 0, size, 0, 0, 0, 0, len(data), 0)
    out.write(b'070701' + b''.join(b'%08X' % f for f in fields))
    out.write(data)
    out.write(b'\0' * (-(110 + len(data)) % 4))


def main():
    top, dest = sys.argv[1], sys.argv[2]
    paths = []
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            paths.append(os.path.relpath(os.path.join(root, n), top))
    paths.sort()
    with open(dest, 'wb') as out:
        for ino, rel in enumerate(paths, start=1):
            full = os.path.join(top, rel)
            st = os.lstat(full)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                body = os.readlink(full).encode()
                header(out, ino, stat.S_IFLNK | mode, len(body), rel)
            elif stat.S_ISDIR(st.st_mode):
                header(out, ino, stat.S_IFDIR | mode, 0, rel, nlink=2)
                continue
            elif stat.S_ISREG(st.st_mode):
                with open(full, 'rb') as f:
                    body = f.read()
                header(out, ino, stat.S_IFREG | mode, len(body), rel)
            else:
                sys.exit(f'mkcpio: {rel}: not a file, directory or link')
            out.write(body)
            out.write(b'\0' * (-len(body) % 4))
        header(out, 0, 0, 0, 'TRAILER!!!')


if __name__ == '__main__':
    main()
