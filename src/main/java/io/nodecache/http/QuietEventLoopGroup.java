package io.nodecache.http;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SingleThreadIoEventLoop;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * Netty event loops that sleep until their next I/O, task or scheduled task. With nothing scheduled, Netty's own loop
 * still returns from {@code epoll_wait} every second (its purge interval for cancelled scheduled tasks, of which there
 * are none then): one wake-up a second per loop on an idle node, for nothing. Tasks from other threads still wake the
 * loop at once (Netty's eventfd), and a scheduled task sets the timer as before.
 */
public final class QuietEventLoopGroup extends MultiThreadIoEventLoopGroup {

    public QuietEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
        super(threads, threadFactory, ioHandlerFactory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new SingleThreadIoEventLoop(this, executor, ioHandlerFactory) {
            @Override
            protected long deadlineNanos() {
                // The next scheduled task's deadline, or -1 ("nothing on the calendar": the epoll handler then
                // waits without a timer) where Netty would answer now + 1 s.
                return nextScheduledTaskDeadlineNanos();
            }
        };
    }
}
