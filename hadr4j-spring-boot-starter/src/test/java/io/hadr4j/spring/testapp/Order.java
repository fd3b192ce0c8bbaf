package io.hadr4j.spring.testapp;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A row written through Hibernate: its id is the write load's sequence number. */
@Entity
@Table(name = "orders")
public class Order {

    @Id
    private Long id;

    @Version
    private Long version; // null until persisted: Spring Data's save() then persists instead of merging

    private String note;

    protected Order() {
    }

    public Order(long id, String note) {
        this.id = id;
        this.note = note;
    }

    public Long getId() {
        return id;
    }

    public String getNote() {
        return note;
    }
}
