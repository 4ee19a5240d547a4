package io.xueban.safety;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.xueban.system.ApiException;
import io.xueban.system.Db;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each school's safety settings; the defaults until an admin changes them. Every chat message
 * needs them, so a school's are read once and kept until they change here; a change made through
 * another instance shows within {@link #TTL}.
 */
@Service
public class SafetySettingsStore {

    static final Duration TTL = Duration.ofSeconds(30);

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<Category, List<String>>> KEYWORDS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Clock clock;
    private final String[] quietHours;
    private final Cache<Long, SafetySettings> cache = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(TTL).build();

    /**
     * @param quietHours a new school's quiet hours, {@code HH:mm-HH:mm}, empty for none
     *     ({@code xueban.safety.default-quiet-hours})
     */
    SafetySettingsStore(JdbcClient jdbc, JsonMapper json, Clock clock,
                        @Value("${xueban.safety.default-quiet-hours:22:00-06:00}") String quietHours) {
        this.jdbc = jdbc;
        this.json = json;
        this.clock = clock;
        this.quietHours = quietHours == null || quietHours.isBlank() ? null : quietHours.strip().split("-");
    }

    /**
     * The defaults: moderate strictness, 100 messages a day, quiet from 22:00 to 06:00, half a
     * year of retention, the final answer after three attempts, and phrases written to catch
     * what matters without flagging lessons (a war in history, "kill a process").
     */
    public static SafetySettings defaults() {
        Map<Category, List<String>> keywords = new EnumMap<>(Category.class);
        keywords.put(Category.SELF_HARM, List.of("想自杀", "要自杀", "不想活了", "活着没意思", "活着没有意义", "我想死",
                "想去死", "割腕", "想跳楼", "结束自己的生命", "自残", "伤害自己", "吃安眠药自杀", "kill myself", "suicide",
                "end my life", "want to die", "self-harm", "hurt myself", "cut myself"));
        keywords.put(Category.VIOLENCE, List.of("我要杀了", "我想杀了", "我要弄死", "想捅死", "带刀去学校", "炸学校",
                "炸了学校", "我要报复他们", "i'm going to kill", "i am going to kill", "i want to kill him",
                "i want to kill her", "i want to kill them", "bring a gun to school", "bring a knife to school"));
        keywords.put(Category.BULLYING, List.of("被欺负", "被霸凌", "被同学打", "他们打我", "被孤立", "被勒索", "被威胁",
                "天天被骂", "i'm being bullied", "i am being bullied", "they beat me"));
        keywords.put(Category.SEXUAL, List.of("裸照", "色情", "约炮", "黄色网站", "nude photo", "porn", "send nudes"));
        keywords.put(Category.PERSONAL_INFO, List.of("我的身份证号", "我的密码是", "我家住在", "my password is",
                "my home address"));
        return new SafetySettings(SafetySettings.Strictness.MEDIUM, 100, "22:00", "06:00", 180, 3,
                List.of("学校心理辅导室（找班主任或心理老师）", "全国心理援助热线 12356", "紧急情况请立即拨打 110 或 120"),
                keywords, false, SafetySettings.DEFAULT_BREAK_AFTER);
    }

    /** The defaults with the configured quiet hours. */
    private SafetySettings schoolDefaults() {
        SafetySettings d = defaults();
        return new SafetySettings(d.strictness(), d.dailyCap(), quietHours == null ? null : quietHours[0],
                quietHours == null ? null : quietHours[1], d.retentionDays(), d.answerAfter(), d.supportContacts(),
                d.keywords(), d.alertAdmins(), d.breakAfterMinutes());
    }

    public SafetySettings of(long schoolId) {
        return cache.get(schoolId, this::read);
    }

    private SafetySettings read(long schoolId) {
        return jdbc.sql("SELECT * FROM safety_settings WHERE school_id = ?").param(schoolId)
                .query((rs, n) -> new SafetySettings(SafetySettings.Strictness.valueOf(rs.getString("strictness")),
                        rs.getInt("daily_cap"), rs.getString("quiet_start"), rs.getString("quiet_end"),
                        rs.getInt("retention_days"), rs.getInt("answer_after"),
                        json.readValue(rs.getString("support_contacts"), STRINGS),
                        json.readValue(rs.getString("keywords"), KEYWORDS), rs.getBoolean("alert_admins"),
                        rs.getInt("break_after_minutes")))
                .optional()
                .orElseGet(this::schoolDefaults);
    }

    /** Every school with its settings, for jobs that run over all of them (retention). */
    public Map<Long, SafetySettings> all() {
        Map<Long, SafetySettings> all = new java.util.HashMap<>();
        jdbc.sql("SELECT id FROM school").query(Long.class).list().forEach(id -> all.put(id, of(id)));
        return all;
    }

    SafetySettings set(long schoolId, long adminId, SafetySettings settings) {
        if ((settings.quietStart() == null) != (settings.quietEnd() == null)) {
            throw ApiException.badRequest("quiet-hours-incomplete");
        }
        Object[] values = {settings.strictness().name(), settings.dailyCap(), settings.quietStart(), settings.quietEnd(),
                settings.retentionDays(), settings.answerAfter(), json.writeValueAsString(settings.supportContacts()),
                json.writeValueAsString(settings.keywords()), settings.alertAdmins(), settings.breakAfterMinutes(), adminId,
                Db.utc(clock.instant()), schoolId};
        int updated = jdbc.sql("""
                        UPDATE safety_settings SET strictness = ?, daily_cap = ?, quiet_start = ?, quiet_end = ?,
                            retention_days = ?, answer_after = ?, support_contacts = ?, keywords = ?, alert_admins = ?,
                            break_after_minutes = ?, updated_by = ?, updated_at = ?
                        WHERE school_id = ?""")
                .params(values).update();
        if (updated == 0) {
            jdbc.sql("""
                            INSERT INTO safety_settings (strictness, daily_cap, quiet_start, quiet_end, retention_days,
                                answer_after, support_contacts, keywords, alert_admins, break_after_minutes, updated_by,
                                updated_at, school_id)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""")
                    .params(values).update();
        }
        cache.invalidate(schoolId);
        Db.afterCommit(() -> cache.invalidate(schoolId));
        return read(schoolId);
    }
}
