package io.nodecache.kubernetes.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;

/**
 * What changes when a mounted file does: its modification time, its size, and its identity (the kubelet updates a
 * Secret or a projected token by swapping a symlink, which may keep time and size). Cheap enough to compare on every
 * request, where hashing the content would not be.
 */
public record FileStamp(Object fileKey, FileTime modified, long size) {

    /** The file's stamp now. */
    public static FileStamp of(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(a.fileKey(), a.lastModifiedTime(), a.size());
    }
}
