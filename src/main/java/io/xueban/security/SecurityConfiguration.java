package io.xueban.security;

import jakarta.servlet.DispatcherType;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandlerImpl;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;

import io.xueban.system.ApiPaths;
import io.xueban.system.Problems;

/** Form login with session and CSRF for pages; bearer tokens (or the same session) for the API. */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Hashes passwords with bcrypt, tagged ({@code {bcrypt}...}) so the scheme can be upgraded later. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    /** Loads accounts for password login. */
    @Bean
    UserDetailsService userDetailsService(Accounts accounts) {
        return username -> accounts.findByUsername(username)
                .map(AccountDetails::of)
                .orElseThrow(() -> new UsernameNotFoundException("No such user"));
    }

    /** Password checks for the login form and the token endpoint, both throttled per username and address. */
    @Bean
    AuthenticationManager authenticationManager(UserDetailsService users, PasswordEncoder encoder,
                                                LoginThrottle throttle, KnownDevices devices, Accounts accounts) {
        DaoAuthenticationProvider passwords = new DaoAuthenticationProvider(users);
        passwords.setPasswordEncoder(encoder);
        // A password hashed cheaply (an imported roster's) gets the usual cost at its first sign-in.
        passwords.setUserDetailsPasswordService((user, hash) -> {
            accounts.upgradePasswordHash(user.getUsername(), hash);
            AccountDetails details = (AccountDetails) user;
            return new AccountDetails(details.user(), hash, details.enabled());
        });
        return new ProviderManager(new ThrottledAuthenticationProvider(passwords, throttle, devices));
    }

    /** The one filter chain: which paths are public, how API and page clients are told to sign in. */
    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, ApiTokens tokens, Problems problems,
                                    AuthenticationManager authenticationManager, SignOuts signOuts,
                                    OperationsSettings operations, KnownDevices devices,
                                    PasswordChange passwordChange) throws Exception {
        // Machine clients get problem+json; people in a browser get the login page.
        RequestMatcher api = new OrRequestMatcher(ApiPaths.PATTERNS.stream()
                .<RequestMatcher>map(pattern -> pathPattern(pattern)).toList());
        RequestMatcher tokenRequest = pathPattern(HttpMethod.POST, "/api/tokens");
        RequestMatcher bearer = BearerTokenFilter::hasBearerToken;
        SavedRequestAwareAuthenticationSuccessHandler afterLogin = new SavedRequestAwareAuthenticationSuccessHandler();
        afterLogin.setDefaultTargetUrl("/");
        http
                .authenticationManager(authenticationManager)
                .authorizeHttpRequests(auth -> auth
                        // The request was authorized when it came in; its async (SSE) and error
                        // dispatches carry no bearer token of their own.
                        .dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR).permitAll()
                        .requestMatchers("/login", "/error", "/css/**", "/js/**", "/webjars/**", "/favicon.ico").permitAll()
                        // Health for everyone (its details for admins only); the instance's metrics for its operator.
                        .requestMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**").permitAll()
                        .requestMatchers(tokenRequest).permitAll()
                        .requestMatchers("/actuator/**").hasRole(BearerTokenFilter.OPERATOR)
                        // Pages by role; the API checks every request on its own.
                        .requestMatchers("/study", "/study/**").hasRole(Role.STUDENT.name())
                        .requestMatchers("/admin/**").hasRole(Role.ADMIN.name())
                        .requestMatchers("/classes/**", "/students/**", "/plans", "/plans/**", "/library", "/library/**",
                                "/conversations", "/assistant", "/assignments", "/assignments/**", "/items").hasAnyRole(Role.TEACHER.name(), Role.ADMIN.name())
                        .anyRequest().authenticated())
                .formLogin(form -> form
                        .loginPage("/login")
                        .authenticationDetailsSource(LoginAttempt::of)
                        // The session remembers when it signed in, so that a later sign-out everywhere ends it;
                        // the browser is known to the account from now on.
                        .successHandler((request, response, authentication) -> {
                            long userId = ((AccountDetails) authentication.getPrincipal()).user().id();
                            signOuts.signedIn(request.getSession());
                            devices.remember(userId, request, response);
                            // A password chosen for them (an admin's, a roster's) is changed first.
                            passwordChange.signedIn(request.getSession(), userId);
                            if (CurrentUser.passwordChangeRequired(request.getSession(false))) {
                                response.sendRedirect(PasswordChange.PAGE);
                            } else {
                                afterLogin.onAuthenticationSuccess(request, response, authentication);
                            }
                        })
                        .failureHandler((request, response, e) -> response.sendRedirect(
                                e instanceof LoginThrottledException ? "/login?locked" : "/login?error")))
                .logout(logout -> logout.logoutSuccessUrl("/login?logout"))
                // Bearer requests carry no cookie, so cross-site request forgery cannot ride on them.
                .csrf(csrf -> csrf.ignoringRequestMatchers(bearer, tokenRequest))
                .exceptionHandling(errors -> errors
                        .defaultAuthenticationEntryPointFor((request, response, e) ->
                                problems.write(request, response, HttpStatus.UNAUTHORIZED, "authentication-required"), api)
                        .defaultAuthenticationEntryPointFor(new LoginUrlAuthenticationEntryPoint("/login"),
                                AnyRequestMatcher.INSTANCE)
                        .defaultAccessDeniedHandlerFor((request, response, e) ->
                                problems.write(request, response, HttpStatus.FORBIDDEN, "access-denied"), api)
                        // People in a browser get the error page, which says so in words.
                        .defaultAccessDeniedHandlerFor(new AccessDeniedHandlerImpl(), AnyRequestMatcher.INSTANCE))
                .addFilterBefore(new BearerTokenFilter(tokens, operations, problems), UsernamePasswordAuthenticationFilter.class)
                .addFilterAfter(new SignOuts.Filter(signOuts, problems, api), BearerTokenFilter.class)
                .addFilterAfter(new PasswordChange.Gate(problems, api), SignOuts.Filter.class);
        return http.build();
    }
}
