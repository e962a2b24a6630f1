using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vitrine.Api.Security;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Accounts;

public static class AccountsApi
{
    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder routes)
    {
        var auth = routes.MapGroup("/auth").WithTags("Accounts");

        auth.MapPost("/register", Register)
            .WithName("Register")
            .WithSummary("Create a customer account")
            .WithDescription("Password at least 8 characters (bcrypt-hashed); an e-mail already registered gets 409. Registrations are "
                + "limited per client IP and hour (429). Answers 201 with the new user; sign in with POST /auth/login.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/login", Login)
            .WithName("Login")
            .WithSummary("Exchange e-mail and password for an access token and a refresh token")
            .WithDescription("Limited to 5 attempts a minute per client IP and per account, across every replica.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/refresh", Refresh)
            .WithName("Refresh")
            .WithSummary("Spend a refresh token for a new pair")
            .WithDescription("Each refresh token works once. Presenting a spent one again revokes its whole family (every session token descended from the same login).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/logout", Logout)
            .WithName("Logout")
            .WithSummary("Revoke a refresh token (and the session it belongs to)")
            .WithDescription("Answers 204. The access token stays valid until it expires (15 minutes); the refresh token never works again.")
            .RequireAuthorization(Policies.Customer)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        routes.MapGet("/users/me", Me)
            .WithTags("Accounts")
            .WithName("GetMe")
            .WithSummary("The signed-in user's profile")
            .WithDescription("The caller's id, e-mail, name, role and creation time, read from the database: a removed account gets 401.")
            .RequireAuthorization(Policies.Customer)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return routes;
    }

    public static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(
        RegisterRequest request, HttpContext http, VitrineDbContext db, PasswordHasher hasher, AccountThrottles throttles, TimeProvider clock, CancellationToken cancellationToken)
    {
        var throttle = await throttles.Registration.AcquireAsync(RateLimiting.ClientAddress(http), cancellationToken);
        if (!throttle.Allowed)
        {
            return TooManyRequests.Result(http, throttle.RetryAfter);
        }

        var now = clock.GetUtcNow();
        var user = new User
        {
            Email = request.Email.Trim(),
            Name = request.Name.Trim(),
            PasswordHash = hasher.Hash(request.Password),
            Role = Roles.Customer,
            Status = UserStatus.Active,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "An account with this e-mail already exists.");
        }

        return TypedResults.Created("/api/v1/users/me", UserResponse.From(user));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Login(
        LoginRequest request,
        HttpContext http,
        VitrineDbContext db,
        PasswordHasher hasher,
        AccessTokens accessTokens,
        RefreshTokenFamily refreshTokens,
        AccountThrottles throttles,
        ActiveUsers activeUsers,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var email = request.Email.Trim();
        foreach (var (limit, key) in new[] { (throttles.LoginByAddress, RateLimiting.ClientAddress(http)), (throttles.LoginByAccount, email.ToUpperInvariant()) })
        {
            var throttle = await limit.AcquireAsync(key, cancellationToken);
            if (!throttle.Allowed)
            {
                return TooManyRequests.Result(http, throttle.RetryAfter);
            }
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (user is null || user.Status != UserStatus.Active)
        {
            // Same bcrypt work and the same answer as a wrong password: no user enumeration by status or timing.
            hasher.VerifyAgainstDummy(request.Password);
            return InvalidCredentials();
        }

        if (!hasher.Verify(request.Password, user.PasswordHash))
        {
            return InvalidCredentials();
        }

        if (hasher.NeedsRehash(user.PasswordHash))
        {
            user.PasswordHash = hasher.Hash(request.Password);
            user.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }

        var refreshToken = await refreshTokens.StartAsync(user.Id, cancellationToken);
        activeUsers.Saw(user.Id);
        return TypedResults.Ok(Pair(accessTokens, user, refreshToken));
    }

    public static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, AccessTokens accessTokens, RefreshTokenFamily refreshTokens, ActiveUsers activeUsers, CancellationToken cancellationToken)
    {
        if (await refreshTokens.RotateAsync(request.RefreshToken, cancellationToken) is not { } next)
        {
            return Unauthorized("The refresh token is invalid, expired or already used.");
        }

        activeUsers.Saw(next.User.Id);
        return TypedResults.Ok(Pair(accessTokens, next.User, next.Token));
    }

    public static async Task<NoContent> Logout(RefreshRequest request, ClaimsPrincipal principal, RefreshTokenFamily refreshTokens, CancellationToken cancellationToken)
    {
        await refreshTokens.RevokeAsync(principal.UserId(), request.RefreshToken, cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> Me(ClaimsPrincipal principal, VitrineDbContext db, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId && u.Status == UserStatus.Active, cancellationToken);
        return user is null ? Unauthorized("The account no longer exists.") : TypedResults.Ok(UserResponse.From(user));
    }

    private static TokenResponse Pair(AccessTokens accessTokens, User user, string refreshToken) =>
        new(accessTokens.Issue(user), refreshToken, (int)accessTokens.Lifetime.TotalSeconds, "Bearer");

    private static ProblemHttpResult InvalidCredentials() => Unauthorized("The e-mail or password is incorrect.");

    private static ProblemHttpResult Unauthorized(string title) =>
        TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: title);
}
