using Microsoft.Extensions.Options;

namespace Vitrine.Api.Accounts;

/// <summary>bcrypt (BCrypt.Net-Next) at the configured cost, with a dummy hash so unknown e-mails cost the same work.</summary>
public sealed class PasswordHasher
{
    private readonly int workFactor;
    private readonly Lazy<string> dummyHash;

    public PasswordHasher(IOptions<AccountOptions> options)
    {
        workFactor = options.Value.BcryptWorkFactor;
        dummyHash = new Lazy<string>(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString("N"), workFactor));
    }

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, workFactor);

    public bool Verify(string password, string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.Verify(password, hash);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>Spends the same bcrypt work as a real check, so "no such user" is not faster than "wrong password".</summary>
    public void VerifyAgainstDummy(string password) => BCrypt.Net.BCrypt.Verify(password, dummyHash.Value);

    /// <summary>True when the hash was made at a lower cost than the configured one.</summary>
    public bool NeedsRehash(string hash) => BCrypt.Net.BCrypt.PasswordNeedsRehash(hash, workFactor);
}
