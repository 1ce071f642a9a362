package io.nodecache.dashboard.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Who may use the dashboard. Baseline while issue 11's login lands: open, as before Spring Security. */
@Configuration(proxyBeanMethods = false)
class DashboardSecurity {

    @Bean
    SecurityFilterChain dashboardWeb(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }
}
