package io.xueban.security;

import java.net.URI;
import java.time.Instant;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.xueban.safety.AuditLog;
import io.xueban.system.ApiException;

@RestController
@RequestMapping("/api/tokens")
@Tag(name = "API tokens", description = "Bearer tokens for scripts and apps")
class TokenController {

    private final AuthenticationManager authentication;
    private final ApiTokens tokens;
    private final KnownDevices devices;
    private final AuditLog audit;

    TokenController(AuthenticationManager authentication, ApiTokens tokens, KnownDevices devices, AuditLog audit) {
        this.authentication = authentication;
        this.tokens = tokens;
        this.devices = devices;
        this.audit = audit;
    }

    @PostMapping
    @Operation(summary = "Exchange a username and password for a bearer token")
    ResponseEntity<TokenResponse> create(@Valid @RequestBody TokenRequest request, HttpServletRequest http,
            HttpServletResponse response) {
        CurrentUser user;
        try {
            var attempt = UsernamePasswordAuthenticationToken.unauthenticated(request.username(), request.password());
            attempt.setDetails(LoginAttempt.of(http));
            var result = authentication.authenticate(attempt);
            user = ((AccountDetails) result.getPrincipal()).user();
        } catch (LoginThrottledException e) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "login-throttled", e.retryAfterSeconds())
                    .with("retryAfterSeconds", e.retryAfterSeconds());
        } catch (AuthenticationException e) {
            // Unknown user, wrong password and disabled account look the same from outside.
            throw new ApiException(HttpStatus.UNAUTHORIZED, "bad-credentials");
        }
        devices.remember(user.id(), http, response);
        String name = request.name() == null || request.name().isBlank() ? "api" : request.name().strip();
        ApiTokens.IssuedToken issued = tokens.issue(user, name);
        audit.record(user, "token.issue", "api_token", issued.id(), name);
        return ResponseEntity.created(URI.create("/api/tokens/" + issued.id()))
                .body(new TokenResponse(issued.id(), issued.token(), "Bearer", issued.expiresAt()));
    }

    @GetMapping
    @Operation(summary = "My tokens (never the token values)")
    List<ApiTokens.TokenInfo> list(CurrentUser me) {
        return tokens.list(me);
    }

    @DeleteMapping("/current")
    @Operation(summary = "Revoke the bearer token used for this request")
    ResponseEntity<Void> revokeCurrent(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(BearerTokenFilter.BEARER)) {
            throw ApiException.badRequest("no-bearer-token");
        }
        tokens.revoke(header.substring(BearerTokenFilter.BEARER.length()).strip());
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{id}")
    @Operation(summary = "Revoke one of my tokens")
    ResponseEntity<Void> revoke(CurrentUser me, @PathVariable long id) {
        if (!tokens.revoke(me, id)) {
            throw ApiException.notFound("token", id);
        }
        return ResponseEntity.noContent().build();
    }

    record TokenRequest(@NotBlank @Size(max = 64) String username,
                        @NotBlank @Size(max = 200) String password,
                        @Size(max = 100) String name) {
    }

    record TokenResponse(long id, String token, String tokenType, Instant expiresAt) {
    }
}
