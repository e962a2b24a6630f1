namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// Waits for an observable outcome instead of sleeping: polls the condition until it holds, failing with the reason
/// once the deadline passes. The deadline is generous (every suite runs at once on a small machine); it only turns a
/// hang into a failure, it never decides a pass.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static Task HoldsAsync(Func<bool> condition, string because, TimeSpan? timeout = null) =>
        HoldsAsync(() => Task.FromResult(condition()), because, timeout);

    public static async Task HoldsAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException($"Not within {(timeout ?? DefaultTimeout).TotalSeconds} s: {because}");
            }

            await Task.Delay(100);
        }
    }
}
