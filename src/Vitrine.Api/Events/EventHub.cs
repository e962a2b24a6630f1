using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Caching;
using Vitrine.Data;

namespace Vitrine.Api.Events;

/// <summary>
/// One Redis subscription per process to the relayed events, fanned out to this process's listeners (live order
/// status for an owner, the admin counter). StackExchange.Redis re-subscribes by itself after a reconnect.
/// </summary>
public sealed class EventHub([FromKeyedServices(RedisConnections.Cache)] IConnectionMultiplexer redis, IOptions<CachingOptions> caching, ILogger<EventHub> logger) : IHostedService
{
    private readonly ConcurrentDictionary<Guid, Channel<RelayedEvent>> listeners = new();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SubscribeAsync();
        }
        catch (RedisException exception)
        {
            // Redis down at start: subscribe once, when it is back; from then on the multiplexer restores the
            // subscription by itself after every reconnect.
            logger.LogWarning("Event subscription deferred: {Reason}", exception.Message);
            var subscribed = 0;
            redis.ConnectionRestored += async (_, _) =>
            {
                if (Interlocked.Exchange(ref subscribed, 1) == 0)
                {
                    try
                    {
                        await SubscribeAsync();
                    }
                    catch (Exception retry) when (retry is RedisException or TimeoutException)
                    {
                        Interlocked.Exchange(ref subscribed, 0); // try again at the next reconnect
                        logger.LogWarning("Event subscription failed again: {Reason}", retry.Message);
                    }
                }
            };
        }
    }

    /// <summary>
    /// Through a message queue, not a handler: StackExchange.Redis may run a channel's handlers concurrently, which
    /// delivered an order's status change before its placement (seen under load); the queue hands them over in the
    /// order the relay published them.
    /// </summary>
    private async Task SubscribeAsync()
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(OutboxRelay.Channel(caching.Value));
        queue.OnMessage(message => Dispatch(message.Message));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var listener in listeners.Values)
        {
            listener.Writer.TryComplete();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Events from now on, until the caller stops reading (a slow reader loses the oldest, never blocks others).
    /// A null every <paramref name="heartbeat"/> without events lets a stream send a keep-alive.
    /// </summary>
    public async IAsyncEnumerable<RelayedEvent?> ListenAsync(TimeSpan heartbeat, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var channel = Channel.CreateBounded<RelayedEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        listeners[id] = channel;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                bool ready;
                using (var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    quiet.CancelAfter(heartbeat);
                    try
                    {
                        ready = await channel.Reader.WaitToReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        ready = false;
                    }
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    yield break; // the listener went away: a normal end, not an error
                }

                if (!ready)
                {
                    if (channel.Reader.Completion.IsCompleted)
                    {
                        yield break;
                    }

                    yield return null;
                    continue;
                }

                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            listeners.TryRemove(id, out _);
        }
    }

    private void Dispatch(RedisValue value)
    {
        RelayedEvent? relayed;
        try
        {
            relayed = JsonSerializer.Deserialize<RelayedEvent>(value.ToString(), JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return;
        }

        if (relayed is null)
        {
            return;
        }

        foreach (var listener in listeners.Values)
        {
            listener.Writer.TryWrite(relayed);
        }
    }
}
