package io.xueban.security;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.xueban.system.Problems;

/**
 * Signs in a request that carries {@code Authorization: Bearer <token>}: a user's API token, or on
 * {@code /actuator/**} the operator's metrics token. A bad, expired or revoked token answers 401
 * at once rather than falling back to anonymous access.
 */
class BearerTokenFilter extends OncePerRequestFilter {

    static final String BEARER = "Bearer ";
    static final String OPERATOR = "OPERATOR";

    private final ApiTokens tokens;
    private final OperationsSettings operations;
    private final Problems problems;

    BearerTokenFilter(ApiTokens tokens, OperationsSettings operations, Problems problems) {
        this.tokens = tokens;
        this.operations = operations;
        this.problems = problems;
    }

    static boolean hasBearerToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!hasBearerToken(request)) {
            chain.doFilter(request, response);
            return;
        }
        String token = request.getHeader(HttpHeaders.AUTHORIZATION).substring(BEARER.length()).strip();
        if (request.getRequestURI().startsWith(request.getContextPath() + "/actuator/") && operations.isOperator(token)) {
            signIn(UsernamePasswordAuthenticationToken.authenticated(OPERATOR, null,
                    List.of(new SimpleGrantedAuthority("ROLE_" + OPERATOR))), request, response, chain);
            return;
        }
        var account = tokens.authenticate(token);
        if (account.isEmpty()) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            problems.write(request, response, HttpStatus.UNAUTHORIZED, "invalid-token");
            return;
        }
        AccountDetails details = AccountDetails.of(account.get());
        signIn(UsernamePasswordAuthenticationToken.authenticated(details, null, details.getAuthorities()), request, response,
                chain);
    }

    private static void signIn(Authentication authentication, HttpServletRequest request, HttpServletResponse response,
            FilterChain chain) throws ServletException, IOException {
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(authentication);
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }
}
