package io.nodecache.image;

import io.netty.buffer.PooledByteBufAllocator;

/** Prints the chunk size and direct arena count Netty's default pooled allocator was built with (JvmOptionsTest). */
final class NettyAllocatorProbe {

    private NettyAllocatorProbe() {
    }

    public static void main(String[] args) {
        PooledByteBufAllocator a = PooledByteBufAllocator.DEFAULT;
        System.out.println("chunk=" + a.metric().chunkSize() + " directArenas=" + a.metric().numDirectArenas());
    }
}
